# partner_idic developer commands; see README.md.
HARNESS := tools/harness.sh

.PHONY: demo test test-one bench lint pot stop

demo:  ## serve Odoo with partner_idic and demo data on http://127.0.0.1:8069
	@bash $(HARNESS) demo

test:  ## fresh database, install, upgrade, tests, tours, uninstall, lint
	@bash $(HARNESS) test

test-one:  ## some tests against the demo database: make test-one K=<pytest -k expression>
	@bash $(HARNESS) test-one "$(K)"

bench:  ## the benchmarks of bench/ (figures as ratios to a baseline of the same run)
	@bash $(HARNESS) bench

lint:  ## pylint-odoo (OCA checks) and ruff
	@bash $(HARNESS) lint

pot:  ## regenerate i18n/partner_idic.pot
	@bash $(HARNESS) pot

stop:  ## stop what `make demo` started
	@bash $(HARNESS) stop
