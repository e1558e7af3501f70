# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.tests import TransactionCase, new_test_user
from odoo.tests import common as odoo_test_common
from odoo.tools import SQL

# The host gives headless Chrome 10 s to open its DevTools port, then skips
# the tour (and the harness counts a skipped tour as failed). On a loaded
# 2-core machine Chrome once took longer (a CI run of 2026-12-07): give it
# 30 s. Only the wait for the browser to start changes, not the tours.
odoo_test_common.CHECK_BROWSER_ITERATIONS = max(
    odoo_test_common.CHECK_BROWSER_ITERATIONS, 300
)


def new_user(env, login, groups, **values):
    """``new_test_user`` in the time zone of ``env``'s user (the superuser,
    whom the set-ups and the crons run as). The add-on dates what it writes in
    the acting user's time zone (``context_today``): a test user left in UTC
    would live a day apart from the superuser for some hours of every day."""
    values.setdefault("tz", env.user.tz or "UTC")
    return new_test_user(env, login=login, groups=groups, **values)


class IdicCase(TransactionCase):
    """Real users with real groups, and the default stages, shared by the
    module's tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The day the add-on counts from: the superuser's today, in the time
        # zone every test user shares (see ``new_user``).
        cls.today = fields.Date.context_today(cls.env.user)
        # The tests' companies predict from a handful of customers: the least
        # data for predictions (issue #28) is off unless a test sets it.
        cls.no_prediction_minimums(cls.env)
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "IDIC Other Co"})
        cls.plain_user = new_user(
            cls.env,
            login="idic_plain",
            groups="base.group_user",
            name="Plain User",
        )
        cls.idic_user = new_user(
            cls.env,
            login="idic_user",
            groups="partner_idic.group_idic_user",
            name="Relationship User",
        )
        cls.idic_manager = new_user(
            cls.env,
            login="idic_manager",
            groups="partner_idic.group_idic_manager",
            name="Relationship Manager",
        )
        cls.idic_admin = new_user(
            cls.env,
            login="idic_admin",
            groups="partner_idic.group_idic_manager,base.group_system",
            name="Relationship Administrator",
        )
        cls.other_user = new_user(
            cls.env,
            login="idic_other_user",
            groups="partner_idic.group_idic_user",
            name="Other Company User",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.stage_identified = cls.env.ref("partner_idic.idic_stage_identified")
        cls.stage_differentiated = cls.env.ref("partner_idic.idic_stage_differentiated")
        cls.stage_interacting = cls.env.ref("partner_idic.idic_stage_interacting")
        cls.stage_customized = cls.env.ref("partner_idic.idic_stage_customized")

    @classmethod
    def no_prediction_minimums(cls, env):
        """No least customers, history or recent purchases for predictions,
        in every company and in those the test creates."""
        minimums = {
            "idic_clv_min_customers": 0,
            "idic_clv_min_span_weeks": 0,
            "idic_clv_min_recent_purchases": 0,
        }
        env["res.company"].search([]).write(minimums)  # pylint: disable=no-search-all
        for name, value in minimums.items():
            env["ir.default"].set("res.company", name, value)

    @classmethod
    def load_chart(cls, companies):
        """Give ``companies`` the generic chart of accounts (and a fiscal
        country when they have none), so that they can invoice."""
        for company in companies:
            cls.env["account.chart.template"].try_loading(
                "generic_coa", company=company, install_demo=False
            )
            if not company.account_fiscal_country_id:
                company.account_fiscal_country_id = cls.env.ref("base.us")

    @classmethod
    def make_invoice(
        cls,
        partner,
        day,
        lines,
        company,
        move_type="out_invoice",
        currency=None,
        state="posted",
        refund_of=None,
        tax=None,
    ):
        """A customer invoice or credit note (a vendor bill or refund for the
        ``in_`` types) of ``partner`` in ``company``, dated ``day``, with one
        line per (product or label, amount) of ``lines``, untaxed unless
        ``tax``; left in ``state`` (draft, posted or cancel)."""
        journal_type = "sale" if move_type.startswith("out_") else "purchase"
        journal = cls.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", journal_type)], limit=1
        )
        line_vals = []
        for item, amount in lines:
            line = {
                "quantity": 1.0,
                "price_unit": amount,
                "tax_ids": [Command.set(tax.ids)] if tax else [Command.clear()],
            }
            if isinstance(item, str):
                line["name"] = item
            else:
                line.update(product_id=item.id, name=item.name)
            line_vals.append(Command.create(line))
        vals = {
            "move_type": move_type,
            "partner_id": partner.id,
            "journal_id": journal.id,
            "invoice_date": day,
            "currency_id": (currency or company.currency_id).id,
            "invoice_line_ids": line_vals,
        }
        if refund_of:
            vals["reversed_entry_id"] = refund_of.id
        move = cls.env["account.move"].with_company(company).create(vals)
        if state in ("posted", "cancel"):
            move.action_post()
        if state == "cancel":
            move.button_draft()
            move.button_cancel()
        assert move.state == state, (move.state, state)
        return move

    @classmethod
    def make_tiers(
        cls, company, prefix, thresholds=(0.0, 1000.0, 5000.0), basis="monetary"
    ):
        """The Bronze, Silver and Gold tiers of ``company`` ("<prefix>-Bronze",
        ...), from the lowest threshold up, on ``basis``."""
        return cls.env["idic.value.tier"].create(
            [
                {
                    "name": f"{prefix}-{name}",
                    "company_id": company.id,
                    "basis": basis,
                    "min_threshold": threshold,
                }
                for name, threshold in zip(
                    ("Bronze", "Silver", "Gold"), thresholds, strict=True
                )
            ]
        )

    def set_param(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(f"partner_idic.{key}", value)

    def advance(self):
        """Run the stage rules over every partner, as the cron does."""
        return self.env["res.partner"]._idic_advance_stages()

    def assertRunsEnded(self, job):
        """Every run of ``job`` has ended, each range written once, and no
        staging table is left. (A run taken up again the same day keeps the
        ranges of its last pass: none when that pass had nothing to do.)"""
        runs = self.env["idic.recompute.run"].sudo().search([("job", "=", job)])
        self.assertTrue(runs, f"no {job} run was recorded")
        self.assertEqual(set(runs.mapped("state")), {"done"})
        self.assertLessEqual(set(runs.range_ids.mapped("state")), {"done"})
        for run in runs.filtered("staging_table"):
            self.env.cr.execute(
                SQL("SELECT to_regclass(%s) IS NULL", run.staging_table)
            )
            self.assertTrue(self.env.cr.fetchone()[0], "staging table left")


class FiguresMixin:
    """figures() and assertFigures() over the company-dependent figures named
    by the class's FIGURES, in ``company_a`` unless told (the donor and value
    tests)."""

    FIGURES = ()

    def figures(self, partner, company=None):
        """{field: value} of the FIGURES of ``partner`` in ``company``."""
        partner = partner.with_company(company or self.company_a)
        return {name: partner[name] for name in self.FIGURES}

    def assertFigures(self, partner, expected, company=None):
        """Every one of the FIGURES of ``partner`` is as ``expected``
        {field: value} gives it (amounts to the cent)."""
        actual = self.figures(partner, company)
        for name in self.FIGURES:
            value = expected[name]
            if isinstance(value, float):
                self.assertAlmostEqual(
                    actual[name], value, places=2, msg=f"{partner.name}: {name}"
                )
            else:
                self.assertEqual(actual[name], value, f"{partner.name}: {name}")
