"""CLI commands, one module per feature; each exports COMMANDS for kehoach_xlsx.cli."""
