# partner_idic developer commands; see README.md.
HARNESS := tools/harness.sh

.PHONY: setup demo test test-one upgrade-check bench lint pot wheel stop reliability

setup:  ## set up Odoo 19.0 (in .run/venv when $(PYTHON) has none), the add-on's requirements and the development tools
	@bash $(HARNESS) setup

demo:  ## serve Odoo with partner_idic and demo data on http://127.0.0.1:8069
	@bash $(HARNESS) demo

test:  ## previous release with demo data upgraded to this code (records and figures checked), tests, tours, uninstall, wheel, lint
	@bash $(HARNESS) test

test-one:  ## some tests against the demo database: make test-one K=<pytest -k expression>
	@bash $(HARNESS) test-one "$(K)"

upgrade-check:  ## the previous release (tools/previous_release) with demo data, upgraded to this code, every record and figure compared
	@bash $(HARNESS) upgrade-check

bench:  ## the benchmarks of bench/ (figures as ratios to a baseline of the same run)
	@bash $(HARNESS) bench

lint:  ## pylint-odoo (OCA checks) and ruff
	@bash $(HARNESS) lint

pot:  ## regenerate i18n/partner_idic.pot
	@bash $(HARNESS) pot

wheel:  ## build .run/dist/odoo_addon_partner_idic-19.0.*.whl and check what it holds
	@bash $(HARNESS) wheel

reliability:  ## jobs killed mid-run, and jobs run while users work, against clean runs (on copies of the demo database: make demo first)
	@"$${PYTHON:-python3}" tools/reliability_check.py -c .run/demo.conf -d "$${DEMO_DB:-partner_idic_demo}"

stop:  ## stop what `make demo` started
	@bash $(HARNESS) stop
