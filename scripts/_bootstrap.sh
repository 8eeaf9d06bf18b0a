# Shared by scripts/demo and scripts/test: create .venv if missing and install the project
# (with its test extras) from the project files. Sourced, not run.
# Nothing stops silently: a failing command names the step it was in (callers set STEP).
set -Eeuo pipefail
STEP="chuẩn bị môi trường (.venv, cài đặt)"
trap 'status=$?; echo "!! Bước “$STEP” thất bại (mã lỗi $status, ${BASH_SOURCE[0]##*/} dòng $LINENO): $BASH_COMMAND" >&2; exit $status' ERR
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    found=$("$PYTHON" --version 2>/dev/null) || found="không chạy được"
    echo "!! Cần Python ≥ 3.11 (lệnh “$PYTHON”: $found)." >&2
    echo "!! Cài Python mới hơn, hoặc chỉ định nó: PYTHON=python3.12 $0" >&2
    exit 1
  fi
  echo "» Tạo môi trường ảo .venv …"
  if ! "$PYTHON" -m venv .venv >/dev/null 2>&1; then
    rm -rf .venv
    echo "!! Không tạo được môi trường ảo .venv. Trên Debian/Ubuntu hãy cài gói python3-venv" >&2
    echo "!! (sudo apt-get install python3-venv) rồi chạy lại $0." >&2
    exit 1
  fi
fi
STAMP=.venv/.kehoach-installed
if [ ! -f "$STAMP" ] || [ setup.cfg -nt "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ]; then
  echo "» Cài đặt kehoach_xlsx và các thư viện cần thiết …"
  # pip's own (English) chatter goes to a log, shown only when the installation fails
  LOG=.venv/cai-dat.log
  if ! { .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip &&
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"; } \
    >"$LOG" 2>&1; then
    tail -n 25 "$LOG" >&2
    echo "!! Cài đặt thất bại (nhật ký đầy đủ: $ROOT/$LOG). Kiểm tra mạng hoặc Python ≥ 3.11." >&2
    exit 1
  fi
  touch "$STAMP"
fi
STEP="chạy"
export PATH="$ROOT/.venv/bin:$PATH"

# System programs the tests drive for real (LibreOffice as the users' spreadsheet client,
# poppler for PDF pages, Dovecot as a real IMAP server). Installed when missing and possible;
# otherwise the tests that need them skip and say why.
install_system_packages() {
  local wanted=() pkg
  while read -r pkg _; do
    [ -z "$pkg" ] || [ "${pkg:0:1}" = "#" ] && continue
    dpkg -s "$pkg" >/dev/null 2>&1 || wanted+=("$pkg")
  done < scripts/system-packages.txt
  [ ${#wanted[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "!! Thiếu gói hệ thống: ${wanted[*]} (cần quyền root và apt-get để tự cài)."
    echo "!! Các kiểm thử cần chúng sẽ bị bỏ qua và ghi rõ lý do."
    return 0
  fi
  echo "» Cài gói hệ thống: ${wanted[*]} …"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}" \
    >/tmp/kehoach-apt.log 2>&1 || {
      echo "!! Cài gói hệ thống thất bại (xem /tmp/kehoach-apt.log); kiểm thử liên quan sẽ bị bỏ qua."
    }
}
