# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The host's own flows on partners and their documents keep working for
every kind of user, with and without the add-on's groups: the add-on changes
res.partner, account.move and loyalty.*, which every Odoo app uses.

Each flow runs as a real user with real groups, the way the web client or the
host's wizards call it (``get_views`` then ``web_read`` / ``web_search_read``
of the fields the view holds for that user, ``web_save``, ``copy``, the merge
wizard, ``base_import.import``, ``export_data``, the payment and reversal
wizards, OCA membership invoicing, the portal's pages)."""

from datetime import timedelta

from lxml import etree

from odoo import Command, http
from odoo.tests import HttpCase, tagged

from .common import IdicCase, new_user

# login: (groups, may create and edit contacts)
USERS = {
    "hf_plain": ("base.group_user", False),
    "hf_contacts": ("base.group_user,base.group_partner_manager", True),
    "hf_billing": ("account.group_account_invoice,base.group_partner_manager", True),
    "hf_accountant": ("account.group_account_manager,base.group_partner_manager", True),
    "hf_billing_idic": (
        "account.group_account_invoice,partner_idic.group_idic_user",
        True,
    ),
    "hf_idic_user": ("partner_idic.group_idic_user", True),
    "hf_idic_manager": ("partner_idic.group_idic_manager", True),
    "hf_donor_reader": ("partner_idic.group_idic_donor_data", True),
}
INVOICING = ("hf_billing", "hf_accountant", "hf_billing_idic")


def restricted_addon_fields(env):
    """``(model, field)`` of every field the add-on adds to any model with
    ``groups=``."""
    return [
        (model_name, field)
        for model_name, model in env.registry.items()
        for field in model._fields.values()
        if "partner_idic" in field._modules and field.groups
    ]


@tagged("post_install", "-at_install")
class TestHostFlows(IdicCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_h = cls.env["res.company"].create(
            {"name": "IDIC Host Flows", "currency_id": cls.env.ref("base.USD").id}
        )
        cls.load_chart(cls.company_h)
        cls.company_h.write(
            {
                "idic_points_rate": 1.0,
                "idic_points_base": "untaxed",
                "idic_points_on": "payment",
                "idic_points_validity_months": 12,
            }
        )
        cls.users = {
            login: new_user(
                cls.env,
                login=login,
                groups=f"{groups},base.group_allow_export",
                name=login,
                company_id=cls.company_h.id,
                company_ids=[cls.company_h.id, cls.env.company.id],
            )
            for login, (groups, _write) in USERS.items()
        }
        Partner = cls.env["res.partner"]
        cls.referrer = Partner.create({"name": "HF Referrer", "is_company": True})
        cls.rich = Partner.create(
            {
                "name": "HF Rich Customer",
                "is_company": True,
                "email": "rich@example.com",
                "phone": "+1 555 0100",
                "idic_stage_id": cls.stage_interacting.id,
                "idic_relationship_notes": "<p>Prefers calls on Monday</p>",
                "idic_referred_by_id": cls.referrer.id,
                "idic_preferred_channel": "phone",
                "idic_birthdate": cls.today - timedelta(days=9000),
                "idic_interest_ids": [
                    Command.create({"name": "HF Gardening"}),
                ],
            }
        )
        cls.contact = Partner.create(
            {"name": "HF Rich Contact", "parent_id": cls.rich.id, "type": "contact"}
        )
        cls.env["idic.interaction"].create(
            {"partner_id": cls.rich.id, "channel": "phone", "subject": "HF call"}
        )
        cls.tier = cls.env["idic.value.tier"].create(
            {"name": "HF Gold", "company_id": cls.company_h.id, "min_threshold": 0.0}
        )
        cls.rich.with_company(cls.company_h).write(
            {
                "idic_value_tier_id": cls.tier.id,
                "idic_tier_locked": True,
                "idic_tier_lock_reason": "Key account",
            }
        )
        cls.donation = cls.env["product.product"].create(
            {
                "name": "HF Donation",
                "type": "service",
                "idic_is_donation": True,
                "taxes_id": [Command.clear()],
            }
        )
        cls.membership = cls.env["product.product"].create(
            {
                "name": "HF Membership",
                "type": "service",
                "membership": True,
                "list_price": 40.0,
                "membership_date_from": cls.today - timedelta(days=10),
                "membership_date_to": cls.today + timedelta(days=355),
                "taxes_id": [Command.clear()],
            }
        )
        # A posted donation and membership for the rich customer, its figures
        # computed as the jobs do, and points on its card.
        cls.gift = cls._invoice(cls.env, cls.rich, [(cls.donation, 120.0)])
        cls.rich.with_company(cls.company_h).create_membership_invoice(
            cls.membership, 40.0
        ).action_post()
        Partner._idic_recompute_donors(cls.company_h, commit=False)
        Partner._idic_recompute_values(cls.company_h, commit=False)
        card = cls.env["loyalty.card"]._idic_card(cls.rich, cls.company_h)
        card._idic_add_line(75.0, "earn", "HF opening points")
        cls.partners = cls.rich | cls.contact | cls.referrer

    @classmethod
    def _invoice(cls, env, partner, lines, post=True):
        move = (
            env["account.move"]
            .with_company(cls.company_h)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": cls.today,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": product.name,
                                "quantity": 1.0,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for product, price in lines
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    # ------------------------------------------------------------------
    # Helpers: the web client's calls
    # ------------------------------------------------------------------
    def env_of(self, login):
        return (
            self.env["res.partner"]
            .with_user(self.users[login])
            .with_company(self.company_h)
            .env
        )

    @classmethod
    def spec(cls, node, models, model):
        """The ``web_read`` specification of the fields of view ``node`` (an
        arch element) as the web client builds it: each field of the view,
        the display name of many2ones, and the fields of an x2many's own
        sub-view."""
        spec = {}
        for field in cls._own_fields(node):
            name = field.get("name")
            desc = models[model]["fields"].get(name)
            if desc is None:
                continue
            sub = {}
            if desc["type"] == "many2one":
                sub = {"fields": {"display_name": {}}}
            elif desc["type"] in ("one2many", "many2many"):
                subviews = [
                    child for child in field if child.tag in ("list", "kanban", "form")
                ]
                if subviews and desc["relation"] in models:
                    sub = {"fields": cls.spec(subviews[0], models, desc["relation"])}
                elif desc["type"] == "many2many":
                    sub = {"fields": {"display_name": {}}}
            spec[name] = sub
        return spec

    @classmethod
    def _own_fields(cls, node):
        """The field elements of ``node`` outside of any nested field."""
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "field":
                yield child
            else:
                yield from cls._own_fields(child)

    def view_spec(self, Model, view_type):
        result = Model.get_views(
            [[False, view_type], [False, "search"]], {"toolbar": True}
        )
        arch = etree.fromstring(result["views"][view_type]["arch"])
        return self.spec(arch, result["models"], Model._name)

    def open_views(self, env, model, records, view_types=("form", "kanban", "list")):
        """Load ``view_types`` of ``model`` as the web client does and read
        ``records`` with the fields each view holds; return the field names."""
        Model = env[model]
        seen = set()
        for view_type in view_types:
            spec = self.view_spec(Model, view_type)
            seen |= set(spec)
            if view_type == "form":
                for record in records:
                    values = record.with_env(env).web_read(spec)
                    self.assertEqual(values[0]["id"], record.id)
            else:
                found = Model.web_search_read(
                    [("id", "in", records.ids)], spec, limit=80
                )
                self.assertEqual(found["length"], len(records))
        return seen

    def may_write(self, login):
        return USERS[login][1]

    # ------------------------------------------------------------------
    # Every restricted field is safe to copy
    # ------------------------------------------------------------------
    def test_restricted_fields_never_copied(self):
        restricted = restricted_addon_fields(self.env)
        self.assertIn(
            ("res.partner", "idic_relationship_notes"),
            [(m, f.name) for m, f in restricted],
        )
        for model, field in restricted:
            with self.subTest(model=model, field=field.name):
                self.assertFalse(
                    field.copy,
                    f"{model}.{field.name} is restricted to {field.groups}: "
                    "copy() of a user without the group would fail",
                )

    def test_every_addon_field_readable_or_hidden(self):
        """Every field the add-on adds to a host model is either hidden from
        a user (``fields_get`` leaves it out, as the export dialog and the
        views do) or readable by that user, with its records' names."""
        samples = {
            "res.partner": self.partners,
            "account.move": self.gift,
            "product.template": self.donation.product_tmpl_id,
            "membership.membership_line": self.rich.member_line_ids,
        }
        for login in USERS:
            env = self.env_of(login)
            for model, records in samples.items():
                if not env[model].has_access("read"):
                    continue
                shown = env[model].fields_get(attributes=["type"])
                for name, field in env[model]._fields.items():
                    if "partner_idic" not in field._modules or name not in shown:
                        continue
                    with self.subTest(user=login, field=f"{model}.{name}"):
                        for record in records.with_env(env):
                            value = record[name]
                            if field.relational:
                                value.mapped("display_name")

    # ------------------------------------------------------------------
    # Contacts: views, create, edit, duplicate, archive, delete
    # ------------------------------------------------------------------
    def test_contact_views_for_every_user(self):
        for login in USERS:
            with self.subTest(user=login):
                env = self.env_of(login)
                held = self.open_views(env, "res.partner", self.partners)
                may_read_notes = env.user.has_group("partner_idic.group_idic_user")
                self.assertEqual("idic_relationship_notes" in held, may_read_notes)
                if "idic_relationship_notes" in held:
                    values = self.rich.with_env(env).web_read(
                        {"idic_relationship_notes": {}}
                    )
                    self.assertIn("Monday", values[0]["idic_relationship_notes"])

    def test_create_edit_duplicate_archive_delete(self):
        for login in USERS:
            if not self.may_write(login):
                continue
            with self.subTest(user=login):
                env = self.env_of(login)
                Partner = env["res.partner"]
                spec = self.view_spec(Partner, "form")
                created = Partner.web_save(
                    {"name": f"HF New {login}", "email": f"{login}@example.com"}, spec
                )[0]
                partner = Partner.browse(created["id"])
                partner.web_save({"phone": "+1 555 0199"}, spec)
                self.assertEqual(partner.phone, "+1 555 0199")
                # Duplicate: the host's button calls copy().
                for original in (self.rich, self.contact, partner):
                    duplicate = original.with_env(env).copy()
                    self.assertEqual(duplicate.name, f"{original.name} (copy)")
                    self.assertFalse(duplicate.sudo().idic_relationship_notes)
                    self.assertFalse(duplicate.idic_stage_date)
                    duplicate.web_read(spec)
                    duplicate.unlink()
                partner.action_archive()
                self.assertFalse(partner.active)
                partner.action_unarchive()
                partner.unlink()
                self.assertFalse(partner.exists())
        # The original keeps what it had.
        self.assertIn("Monday", self.rich.idic_relationship_notes)

    def test_duplicate_leaves_notes_and_donor_figures_out(self):
        """A copy is a new customer: no donor figure or note comes along,
        for a relationship manager either."""
        env = self.env_of("hf_idic_manager")
        duplicate = self.rich.with_env(env).copy()
        self.assertFalse(duplicate.idic_relationship_notes)
        self.assertFalse(duplicate.idic_donation_total)
        self.assertTrue(self.rich.with_env(env).idic_donation_total)

    # ------------------------------------------------------------------
    # Merge, import, export
    # ------------------------------------------------------------------
    def test_merge_for_every_contact_editor(self):
        Partner = self.env["res.partner"].with_company(self.company_h)
        # A contact manager without accounting rights cannot merge in the
        # host either (account computes the partners' invoice report
        # templates): left out.
        for login in USERS:
            if not self.may_write(login) or login == "hf_contacts":
                continue
            with self.subTest(user=login):
                email = f"merge.{login}@example.com"
                keep, lose = Partner.create(
                    [
                        {"name": f"HF Merge A {login}", "email": email},
                        {
                            "name": f"HF Merge B {login}",
                            "email": email,
                            "idic_relationship_notes": "<p>Merged note</p>",
                            "idic_stage_id": self.stage_identified.id,
                        },
                    ]
                )
                lose.write({"idic_value_tier_id": self.tier.id})
                self.env["loyalty.card"]._idic_card(
                    lose, self.company_h
                )._idic_add_line(10.0, "earn", "HF merge lot")
                env = self.env_of(login)
                wizard = (
                    env["base.partner.merge.automatic.wizard"]
                    .with_context(
                        active_model="res.partner", active_ids=(keep | lose).ids
                    )
                    .create({})
                )
                wizard.dst_partner_id = keep
                wizard.action_merge()
                self.assertFalse(lose.exists())
                self.assertEqual(keep.idic_stage_id, self.stage_identified)
                self.assertIn("Merged note", keep.idic_relationship_notes)
                # The host carries the company-dependent tier over.
                self.assertEqual(
                    keep.with_company(self.company_h).idic_value_tier_id, self.tier
                )
                self.assertEqual(
                    self.env["loyalty.card"]._idic_card(keep, self.company_h).points,
                    10.0,
                )

    def test_import_csv(self):
        for login in USERS:
            if not self.may_write(login):
                continue
            with self.subTest(user=login):
                env = self.env_of(login)
                columns = ["name", "email", "phone", "street", "city"]
                row = [
                    f"HF Import {login}",
                    f"imp.{login}@example.com",
                    "123",
                    "Main St",
                    "Tehran",
                ]
                if env.user.has_group("partner_idic.group_idic_user"):
                    columns += [
                        "idic_preferred_channel",
                        "idic_stage_id",
                        "idic_do_not_contact",
                    ]
                    row += ["email", self.stage_identified.name, "1"]
                content = "\n".join([",".join(columns), ",".join(row)]).encode()
                wizard = env["base_import.import"].create(
                    {
                        "res_model": "res.partner",
                        "file": content,
                        "file_type": "text/csv",
                    }
                )
                result = wizard.execute_import(
                    columns,
                    columns,
                    {
                        "has_headers": True,
                        "quoting": '"',
                        "separator": ",",
                        "encoding": "utf-8",
                    },
                )
                self.assertFalse(result["messages"], result["messages"])
                imported = env["res.partner"].browse(result["ids"])
                self.assertEqual(imported.name, f"HF Import {login}")
                self.assertEqual(imported.city, "Tehran")
                if "idic_stage_id" in columns:
                    self.assertEqual(imported.idic_stage_id, self.stage_identified)
                    self.assertEqual(imported.idic_preferred_channel, "email")

    def test_export(self):
        for login in USERS:
            with self.subTest(user=login):
                env = self.env_of(login)
                Partner = env["res.partner"]
                # What the export dialog offers of the add-on, with the
                # host's usual columns.
                exportable = ["name", "email", "phone", "parent_id", "company_id"] + [
                    name
                    for name, desc in Partner.fields_get(
                        attributes=["exportable", "type"]
                    ).items()
                    if name.startswith("idic_")
                    and desc.get("exportable", True)
                    and desc["type"] != "one2many"
                ]
                rows = self.partners.with_env(env).export_data(exportable)["datas"]
                self.assertEqual(len(rows), len(self.partners))
                self.assertEqual(len(rows[0]), len(exportable))
                donor_reader = env.user.has_group("partner_idic.group_idic_donor_data")
                self.assertEqual("idic_donation_total" in exportable, donor_reader)
                self.assertEqual(
                    "idic_relationship_notes" in exportable,
                    env.user.has_group("partner_idic.group_idic_user"),
                )

    # ------------------------------------------------------------------
    # Invoices: create, post, pay, refund
    # ------------------------------------------------------------------
    def test_invoice_create_post_pay_refund(self):
        for login in INVOICING:
            with self.subTest(user=login):
                env = self.env_of(login)
                customer = self.env["res.partner"].create(
                    {"name": f"HF Buyer {login}", "email": f"buy.{login}@example.com"}
                )
                consulting = self.env["product.product"].create(
                    {
                        "name": f"HF Consulting {login}",
                        "type": "service",
                        "taxes_id": [Command.clear()],
                    }
                )
                invoice = self._invoice(
                    env,
                    customer,
                    [(consulting, 200.0), (self.donation, 50.0)],
                    post=False,
                )
                self.open_views(env, "account.move", invoice, ("form", "list"))
                invoice.action_post()
                self.assertEqual(invoice.state, "posted")
                env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=invoice.ids
                ).create({})._create_payments()
                self.assertIn(invoice.payment_state, ("paid", "in_payment"))
                card = self.env["loyalty.card"]._idic_card(
                    customer, self.company_h, create=False
                )
                self.assertEqual(card.points, 250.0)
                reversal = (
                    env["account.move.reversal"]
                    .with_context(active_model="account.move", active_ids=invoice.ids)
                    .create(
                        {"reason": "HF refund", "journal_id": invoice.journal_id.id}
                    )
                )
                action = reversal.refund_moves()
                refund = env["account.move"].browse(action["res_id"])
                refund.action_post()
                self.assertEqual(refund.move_type, "out_refund")
                card.invalidate_recordset(["points"])
                self.assertEqual(card.points, 0.0)
                # Duplicate an invoice (the host's Duplicate button).
                invoice.copy()

    def test_membership_invoicing(self):
        for login in INVOICING:
            with self.subTest(user=login):
                env = self.env_of(login)
                member = self.env["res.partner"].create(
                    {"name": f"HF Member {login}", "email": f"mem.{login}@example.com"}
                )
                invoice = member.with_env(env).create_membership_invoice(
                    self.membership, 40.0
                )
                invoice.action_post()
                env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=invoice.ids
                ).create({})._create_payments()
                self.assertEqual(member.membership_state, "paid")
                self.env.flush_all()
                self.assertIn(member.idic_member_status, ("new", "current"))

    # ------------------------------------------------------------------
    # Loyalty cards of the host's programs and of the add-on
    # ------------------------------------------------------------------
    def test_loyalty_card_and_history(self):
        card = self.env["loyalty.card"]._idic_card(self.rich, self.company_h)
        for login in (
            "hf_idic_user",
            "hf_idic_manager",
            "hf_donor_reader",
            "hf_billing_idic",
        ):
            with self.subTest(user=login):
                env = self.env_of(login)
                self.open_views(env, "loyalty.card", card, ("form", "list"))
                self.open_views(env, "loyalty.history", card.history_ids, ("list",))
                self.open_views(env, "res.partner", self.rich, ("form",))
        # A host program of its own (a gift card): its cards and history are
        # the host's, free to change, and its Update Balance is the host's.
        program = self.env["loyalty.program"].create(
            {
                "name": "HF Gift Cards",
                "program_type": "gift_card",
                "company_id": self.company_h.id,
            }
        )
        gift = self.env["loyalty.card"].create(
            {"program_id": program.id, "partner_id": self.rich.id, "points": 0}
        )
        self.env["loyalty.card.update.balance"].create(
            {"card_id": gift.id, "new_balance": 30.0, "description": "HF top-up"}
        ).action_update_card_point()
        self.assertEqual(gift.points, 30.0)
        line = gift.history_ids
        self.assertEqual(line.issued, 30.0)
        line.description = "HF top-up, corrected"
        line.unlink()
        gift.unlink()
        self.assertEqual(card.points, 75.0)


@tagged("post_install", "-at_install")
class TestHostPortalFlows(HttpCase):
    """Portal sign-up and the portal's own pages, with the add-on installed;
    and what a public visitor gets."""

    def test_signup_and_portal_pages(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "auth_signup.invitation_scope", "b2c"
        )
        self.authenticate(None, None)
        response = self.url_open("/web/signup")
        self.assertEqual(response.status_code, 200)
        payload = {
            "login": "hf.signup@example.com",
            "name": "HF Signed Up",
            "password": "hf-signup-pass-1",
            "confirm_password": "hf-signup-pass-1",
            "csrf_token": http.Request.csrf_token(self),
        }
        response = self.url_open("/web/signup", data=payload)
        self.assertEqual(response.status_code, 200)
        user = self.env["res.users"].search([("login", "=", "hf.signup@example.com")])
        self.assertTrue(user, response.text[:500])
        self.assertTrue(user._is_portal())
        self.authenticate("hf.signup@example.com", "hf-signup-pass-1")
        for url in ("/my", "/my/home", "/my/account", "/my/invoices", "/my/points"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200, url)
                self.assertNotIn("Traceback", response.text)

    def test_public_visitor(self):
        self.authenticate(None, None)
        for url in ("/web/login", "/web/signup", "/web/reset_password"):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 200)
        for url in ("/my", "/my/points", "/my/invoices"):
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertIn(response.status_code, (302, 303))
                self.assertIn("/web/login", response.headers["Location"])
