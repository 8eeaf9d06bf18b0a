from kehoach_xlsx.cli import main

main()
