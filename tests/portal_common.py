# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customers with portal access, and the host's online payment driven as
the browser drives it, for the tests of the customer portal (issue #27)."""

import re
from urllib.parse import urlparse

from lxml import html

from odoo import Command, fields
from odoo.tests import HttpCase

from .common import IdicCase, new_user


class PortalCase(HttpCase):
    """Two customers with a portal user each (Anna, a contact of Acme, and
    Rob of Rival), the generic chart of accounts and the demo payment
    provider, enabled."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env.user)
        Partner = cls.env["res.partner"]
        cls.acme = Partner.create(
            {"name": "Acme Portal Co", "is_company": True, "email": "acme@example.com"}
        )
        cls.anna = Partner.create(
            {"name": "Anna Acme", "parent_id": cls.acme.id, "email": "anna@example.com"}
        )
        cls.rival = Partner.create(
            {
                "name": "Rival Portal Co",
                "is_company": True,
                "email": "rival@example.com",
            }
        )
        cls.rob = Partner.create(
            {"name": "Rob Rival", "parent_id": cls.rival.id, "email": "rob@example.com"}
        )
        cls.anna_user = cls.portal_user("idic_pt_anna", cls.anna)
        cls.rob_user = cls.portal_user("idic_pt_rob", cls.rob)
        # The first invoice a process creates computes the registry's trigger
        # trees (half a minute on a loaded machine): here, not in the first
        # request of a browser that waits 20 seconds.
        cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.rival.id,
                "invoice_line_ids": [
                    Command.create({"name": "Warm-up", "price_unit": 1.0})
                ],
            }
        ).unlink()

    # IdicCase's invoice helper, for the HTTP tests too.
    make_invoice = classmethod(IdicCase.make_invoice.__func__)

    @classmethod
    def portal_user(cls, login, partner, **values):
        values.setdefault("name", partner.name)
        return new_user(
            cls.env,
            login=login,
            groups="base.group_portal",
            partner_id=partner.id,
            password=login,
            **values,
        )

    @classmethod
    def enable_demo_payment(cls):
        """The demo payment provider (``payment_demo``, installed in the test
        databases only), enabled for the company."""
        provider = cls.env["payment.provider"].search(
            [("code", "=", "demo"), ("company_id", "=", cls.company.id)], limit=1
        )
        assert provider, "payment_demo must be installed in the test database"
        provider.write({"state": "test", "is_published": True})
        cls.env["ir.config_parameter"].sudo().set_param(
            "account_payment.enable_portal_payment", "True"
        )
        return provider

    def login(self, user):
        self.authenticate(user.login, user.login)

    def csrf(self, url):
        """The CSRF token of the form on the page ``url``."""
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200, url)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text) or re.search(
            r'csrf_token: "([^"]+)"', page.text
        )
        return found.group(1)

    def post_form(self, url, page, data, token=True):
        """POST ``data`` to ``url`` as the form of ``page`` does (with its
        CSRF token unless ``token`` is False); not following redirects."""
        data = dict(data)
        if token:
            data["csrf_token"] = self.csrf(page)
        return self.url_open(url, data=data, allow_redirects=False, timeout=60)

    def pay_with_demo(self, pay_url, state="done"):
        """Pay on the host's payment page ``pay_url`` with the demo provider,
        as its payment form does: the transaction route, the provider's
        simulated answer, then the status page's poll (which post-processes
        the transaction). Returns the poll's answer (its landing route)."""
        page = self.url_open(pay_url, timeout=60)
        self.assertEqual(page.status_code, 200, page.text[:500])
        tree = html.fromstring(page.content)
        form = tree.xpath("//form[@id='o_payment_form']")
        self.assertTrue(form, "no payment form on the payment page")
        form = form[0]
        radio = tree.xpath(
            "//input[@name='o_payment_radio'][@data-provider-code='demo']"
        )
        self.assertTrue(radio, "the demo provider is not offered")
        processing = self.make_jsonrpc_request(
            form.get("data-transaction-route"),
            {
                "provider_id": int(radio[0].get("data-provider-id")),
                "payment_method_id": int(radio[0].get("data-payment-option-id")),
                "token_id": None,
                "amount": float(form.get("data-amount")),
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": form.get("data-landing-route"),
                "is_validation": False,
                "access_token": form.get("data-access-token"),
            },
            timeout=60,
        )
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {
                "reference": processing["reference"],
                "payment_details": "4242",
                "simulated_state": state,
            },
            timeout=60,
        )
        return self.make_jsonrpc_request("/payment/status/poll", {}, timeout=60)

    @staticmethod
    def path_of(response):
        """The path and query a redirect leads to."""
        location = urlparse(response.headers["Location"])
        return f"{location.path}?{location.query}" if location.query else location.path


def donation_product(env, name="Portal Donation"):
    return env["product.product"].create(
        {
            "name": name,
            "type": "service",
            "list_price": 0.0,
            "taxes_id": [Command.clear()],
            "idic_is_donation": True,
        }
    )


def pay_at_desk(env, invoice):
    """Register the full payment of ``invoice`` as staff does."""
    env["account.payment.register"].with_context(
        active_model="account.move", active_ids=invoice.ids
    ).create({}).action_create_payments()
    return invoice
