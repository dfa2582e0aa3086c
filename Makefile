# dossier: two commands set up a fresh Debian machine.
#   make run    install what is missing, ingest sample_scans/ into ./var, show a search
#   make test   install what is missing, run the test suite
# Other targets: make bench, make samples, make messages, make clean.

PYTHON     ?= python3
VENV       ?= .venv
DATA_DIR   ?= var
# qpdf: the command a password-protected PDF's failure tells the operator to run (keeps its text layer).
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd poppler-utils fonts-dejavu-core qpdf
# Fonts of the independent evaluation set (bench/heldout): its own typefaces, not the samples'.
BENCH_APT_PACKAGES := fonts-liberation2 fonts-freefont-ttf fonts-texgyre
# A real browser, headless, for the test that renders `dossier report --html` (never needed to run dossier);
# the PostgreSQL client tools (pg_dump, pg_restore) for the backup round trip on PostgreSQL; the italic
# "hand" faces the tests write form values in (DejaVu's condensed italic, FreeSerif's italic).
TEST_APT_PACKAGES  := chromium postgresql-client fonts-dejavu-extra fonts-freefont-ttf
BIN        := $(VENV)/bin
# dossier speaks Vietnamese unless the locale says English: `make run` shows it in Vietnamese
# whatever this shell's LANG (`make run UI_LOCALE=en_US.UTF-8` for English).
UI_LOCALE  ?= vi_VN.UTF-8
DOSSIER    := LC_ALL= LC_MESSAGES=$(UI_LOCALE) $(BIN)/dossier --data-dir $(DATA_DIR)
SAMPLES    := $(filter-out sample_scans/README.md sample_scans/EXPECTED.json,$(wildcard sample_scans/*))
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench samples messages install system-deps bench-deps test-deps apt-install clean

run: install
	$(DOSSIER) init
	$(DOSSIER) ingest $(SAMPLES)
	@echo
	@echo '$$ dossier search "doan thi lan"      # tên ĐOÀN THỊ LAN, gõ không dấu'
	@$(DOSSIER) search "doan thi lan"

test: install test-deps
	$(BIN)/lint-imports
	$(BIN)/pytest

bench: install bench-deps
	$(BIN)/python bench/eval_fields.py --half both
	$(BIN)/python bench/ocr_bench.py
	$(BIN)/python bench/eval_classify.py
	$(BIN)/python bench/search_bench.py
	$(BIN)/python bench/daemon_bench.py
	$(BIN)/python bench/ingest_bench.py
	$(BIN)/python bench/soak.py

samples: install
	$(BIN)/python tools/make_sample_scans.py --out sample_scans

# The Vietnamese catalog: extract every _() / N_() message into pipeline/locale/dossier.pot, merge it
# into vi/LC_MESSAGES/dossier.po (translate the new entries there: msgstr ""), and compile the .mo that
# dossier reads. Both .po and .mo are committed; a test checks that the .mo is the .po compiled and that
# no message of the code lacks a translation.
LOCALE := pipeline/locale
messages: install
	$(BIN)/pybabel extract -k _ -k N_ -k ngettext:1,2 --no-location --sort-output --project dossier \
	  --copyright-holder "dossier team" -o $(LOCALE)/dossier.pot pipeline
	$(BIN)/pybabel update --no-fuzzy-matching -i $(LOCALE)/dossier.pot -d $(LOCALE) -D dossier -l vi
	$(BIN)/pybabel compile --statistics -d $(LOCALE) -D dossier -l vi

install: system-deps $(VENV)/.installed

# Debian packages: only the missing ones are installed (apt needs root or sudo).
system-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(APT_PACKAGES)"

bench-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(BENCH_APT_PACKAGES)"

test-deps:
	@$(MAKE) --no-print-directory apt-install PACKAGES="$(TEST_APT_PACKAGES)"

apt-install:
	@missing=""; \
	for pkg in $(PACKAGES); do dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "ok installed" || missing="$$missing $$pkg"; done; \
	$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

clean:
	rm -rf $(VENV) $(DATA_DIR) .pytest_cache build *.egg-info
