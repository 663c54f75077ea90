SHELL := /bin/bash
# Two commands a newcomer needs on a fresh Debian machine: `make demo` and `make test`.
# Missing system packages are installed when run as root; otherwise the exact command is printed.

SWIFT        ?= swift
DEB_PACKAGES := libsqlite3-dev libical-dev libcurl4-openssl-dev postfix pkg-config sqlite3 python3 python3-venv \
                chromium
# Chromium opens the HTML report (Tests/ical-checks/check_report_html.py) and drives the pages' end-to-end test
# (Tests/ical-checks/browser_pages.py), through Playwright from PyPI (requirements.txt) with this binary as its
# executable: `playwright install` is never run, no browser is ever downloaded.
# Postfix is only a test peer (the mail tests start private instances on loopback): preseed "No configuration"
# so installing it asks nothing and sets up no system mail service.
POSTFIX_PRESEED := postfix postfix/main_mailer_type select No configuration
VENV         := .venv
PYTHON       := $(CURDIR)/$(VENV)/bin/python
PY_REQS      := Tests/ical-checks/requirements.txt
# People run the release build (a plan over a national programme takes seconds in it, minutes in a debug build);
# the tests build and run their own debug build.
KRING        := .build/release/kring
FORMATTED    := Sources Tests Examples Migrations Benchmarks Package.swift

.PHONY: demo test lint build install deps venv clean format

PREFIX       ?= /usr/local

demo: deps build
	$(KRING) demo

test: deps venv lint
	KRING_PYTHON=$(PYTHON) $(SWIFT) test

build:
	$(SWIFT) build -c release --product kring

# The release binary, its manual pages (one per subcommand) and shell completions, under $(DESTDIR)$(PREFIX).
install: deps build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(KRING) $(DESTDIR)$(PREFIX)/bin/kring
	$(SWIFT) package plugin generate-manual --multi-page --authors Kring >/dev/null
	install -m 0644 $$(ls .build/plugins/GenerateManual/outputs/kring/*.1 | grep -v _parse-busy) $(DESTDIR)$(PREFIX)/share/man/man1/
	$(KRING) --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/kring
	$(KRING) --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_kring
	$(KRING) --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/kring.fish

# The house style (.swift-format): the tree is formatted, and a change that is not fails here first.
lint:
	$(SWIFT) format lint --strict --recursive $(FORMATTED)

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ]; then \
	  echo "installing:$$missing"; \
	  echo "$(POSTFIX_PRESEED)" | debconf-set-selections; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	else \
	  echo "missing Debian packages:$$missing"; \
	  echo "run: echo '$(POSTFIX_PRESEED)' | sudo debconf-set-selections && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y$$missing"; \
	  exit 1; \
	fi

# Python tools for the independent calendar and mail checks (icalendar, recurring-ical-events, radicale, khal,
# aiosmtpd), and Playwright with axe-core (axe-playwright-python ships axe.min.js) for the browser test.
venv: $(VENV)/.installed

$(VENV)/.installed: $(PY_REQS)
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r $(PY_REQS)
	touch $@

format:
	$(SWIFT) format --in-place --recursive $(FORMATTED)

clean:
	rm -rf .build $(VENV)
