# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Referral codes and links (issue #27).

Every customer (commercial partner) has a referral code: random, unique, not
derived from its id, shared through its link ``/r/<code>``. Whoever signs up
through the link, or enters the code in the portal ("Who referred you?")
within the company's window after its first invoice, is referred by the
code's customer: once, never by itself or its own company, never closing a
circle (the constraints of :mod:`.res_partner`). The referral bonus of the
points programme follows as for a referral recorded by staff.
"""

import re
import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# No 0/O, 1/I/L: a code read aloud or copied by hand stays right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
CODE_PATTERN = re.compile(r"^[A-Z0-9]{4,32}$")


def new_referral_code():
    """A random referral code (31^10, about 8e14 codes)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalize_referral_code(text):
    """``text`` as a referral code (capitals, no spaces or dashes), or None
    when it cannot be one."""
    if not isinstance(text, str):
        return None
    code = re.sub(r"[\s\-]", "", text).upper()
    return code if CODE_PATTERN.match(code) else None


def referral_codes_sql(where):
    """SQL giving a referral code to the partners matching ``where`` (on
    ``p``) that have none, set-based (the upgrade and large imports); codes
    taken twice are drawn again by :meth:`ResPartner._idic_referral_dedupe`."""
    letters = SQL("%s", CODE_ALPHABET)
    draw = SQL(" || ").join(
        SQL(
            "substr(%s, 1 + floor(random() * %s)::int, 1)",
            letters,
            len(CODE_ALPHABET),
        )
        for _i in range(CODE_LENGTH)
    )
    return SQL(
        """UPDATE res_partner p SET idic_referral_code = %s
            WHERE p.idic_referral_code IS NULL AND %s""",
        draw,
        where,
    )


class ResPartner(models.Model):
    _inherit = "res.partner"

    idic_referral_code = fields.Char(
        string="Referral Code",
        readonly=True,
        copy=False,
        help="The customer's own code: whoever signs up through its link "
        "(/r/<code>) or enters it in the portal is referred by this customer.",
    )

    _idic_referral_code_uniq = models.UniqueIndex(
        "(idic_referral_code) WHERE idic_referral_code IS NOT NULL",
        "This referral code is already taken.",
    )

    # ------------------------------------------------------------------
    # Codes
    # ------------------------------------------------------------------
    @api.model
    def _idic_free_referral_codes(self, count):
        """``count`` new codes that no partner holds."""
        codes = set()
        while len(codes) < count:
            drawn = {new_referral_code() for _i in range(count - len(codes))}
            taken = {
                code
                for (code,) in self.env.execute_query(
                    SQL(
                        "SELECT idic_referral_code FROM res_partner"
                        " WHERE idic_referral_code IN %s",
                        tuple(drawn),
                    )
                )
            }
            codes |= drawn - taken
        return list(codes)

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        # Customers get a code at once; contacts share their company's.
        partners.filtered(
            lambda p: p.is_company or not p.parent_id
        )._idic_referral_assign()
        return partners

    def _idic_referral_assign(self):
        """Give these new partners a referral code each (in SQL: the code is
        the add-on's, whoever creates the partner)."""
        if not self:
            return
        rows = SQL(", ").join(
            SQL("(%s, %s)", partner.id, code)
            for partner, code in zip(
                self, self._idic_free_referral_codes(len(self)), strict=True
            )
        )
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner p SET idic_referral_code = v.code
                     FROM (VALUES %s) AS v(id, code)
                    WHERE p.id = v.id AND p.idic_referral_code IS NULL""",
                rows,
            )
        )
        self.invalidate_recordset(["idic_referral_code"])

    def _idic_referral_code_get(self):
        """The referral code of this customer (its commercial partner), given
        one now when it has none (a contact that became a customer)."""
        self.ensure_one()
        customer = self.commercial_partner_id.sudo()
        if not customer.idic_referral_code:
            customer.idic_referral_code = self._idic_free_referral_codes(1)[0]
        return customer.idic_referral_code

    @api.model
    def _idic_referral_fill_codes(self):
        """Give every commercial partner without a code one, set-based
        (upgrade from a release without codes). Returns how many got one."""
        self.env.flush_all()
        self.env.cr.execute(referral_codes_sql(SQL("p.id = p.commercial_partner_id")))
        count = self.env.cr.rowcount
        if count:
            self._idic_referral_dedupe()
        self.invalidate_model(["idic_referral_code"])
        return count

    @api.model
    def _idic_referral_dedupe(self):
        """Draw again the codes held twice (set-based draws may collide)."""
        while True:
            self.env.cr.execute(
                SQL(
                    """UPDATE res_partner SET idic_referral_code = NULL
                        WHERE id IN (
                            SELECT id FROM (
                                SELECT id, ROW_NUMBER() OVER (
                                    PARTITION BY idic_referral_code ORDER BY id) AS n
                                  FROM res_partner
                                 WHERE idic_referral_code IS NOT NULL) d
                             WHERE d.n > 1)"""
                )
            )
            if not self.env.cr.rowcount:
                return
            self.env.cr.execute(
                referral_codes_sql(SQL("p.id = p.commercial_partner_id"))
            )

    @api.model
    def _idic_referrer_of_code(self, text):
        """The customer whose referral code ``text`` is, or an empty
        recordset."""
        code = normalize_referral_code(text)
        if not code:
            return self.browse()
        partner = self.sudo().search([("idic_referral_code", "=", code)], limit=1)
        return partner.commercial_partner_id

    def _idic_referral_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/r/{self._idic_referral_code_get()}"

    # ------------------------------------------------------------------
    # Claims: sign-up through a link, "Who referred you?" in the portal
    # ------------------------------------------------------------------
    def _idic_first_invoice_day(self):
        """The date of this customer's first posted customer invoice."""
        self.ensure_one()
        self.env["account.move"].flush_model(
            ["commercial_partner_id", "move_type", "state", "invoice_date"]
        )
        rows = self.env.execute_query(
            SQL(
                """SELECT MIN(invoice_date) FROM account_move
                    WHERE commercial_partner_id = %s AND move_type = 'out_invoice'
                      AND state = 'posted'""",
                self.commercial_partner_id.id,
            )
        )
        return rows[0][0]

    def _idic_referral_claim_deadline(self, company=None):
        """The last day this customer may still enter who referred it, or
        None while it has no invoice."""
        first = self._idic_first_invoice_day()
        if not first:
            return None
        company = company or self.env.company
        return first + timedelta(days=company.idic_referral_claim_days)

    def _idic_referral_may_claim(self, company=None):
        """Whether this customer may still enter who referred it."""
        self.ensure_one()
        customer = self.commercial_partner_id
        if customer.sudo().idic_referred_by_id:
            return False
        deadline = customer._idic_referral_claim_deadline(company)
        return deadline is None or fields.Date.context_today(self) <= deadline

    def _idic_referral_claim(self, text, origin="portal", company=None):
        """Record that this customer was referred by the customer whose
        code ``text`` is; returns the referrer. Refused, with a message for
        the customer, when the code is unknown or its own, when it was
        referred already, after the window, or when it would close a circle
        (the constraint's message)."""
        self.ensure_one()
        customer = self.commercial_partner_id.sudo()
        # Two claims at the same moment: the second waits, then sees the first.
        self.env.cr.execute(
            SQL("SELECT id FROM res_partner WHERE id = %s FOR UPDATE", customer.id)
        )
        customer.invalidate_recordset(["idic_referred_by_id"])
        referrer = self._idic_referrer_of_code(text)
        if not referrer:
            raise UserError(
                self.env._("No customer has the referral code %(code)s.", code=text)
            )
        if referrer == customer:
            raise UserError(
                self.env._(
                    "This is your own referral code: share it with your friends, "
                    "it cannot refer you."
                )
            )
        if customer.idic_referred_by_id:
            raise UserError(
                self.env._(
                    "Your referral is recorded already: a customer is referred "
                    "once, and a code cannot be entered again."
                )
            )
        deadline = customer._idic_referral_claim_deadline(company)
        if deadline is not None and fields.Date.context_today(self) > deadline:
            raise UserError(
                self.env._(
                    "A referral code can be entered until %(days)s days after your "
                    "first invoice; that was on %(date)s.",
                    days=(company or self.env.company).idic_referral_claim_days,
                    date=fields.Date.to_string(deadline),
                )
            )
        customer.idic_referred_by_id = referrer
        customer.flush_recordset(["idic_referred_by_id"])
        how = (
            self.env._("at sign-up, through the referral link")
            if origin == "signup"
            else self.env._("in the customer portal")
        )
        customer.message_post(
            body=self.env._(
                "Referred by %(referrer)s (referral code entered %(how)s).",
                referrer=referrer.display_name,
                how=how,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return referrer

    def _idic_referral_stats(self):
        """(customers this customer brought in, points its referrals earned
        it) for its portal page: two queries whatever their number."""
        self.ensure_one()
        customer = self.commercial_partner_id
        Partner = self.sudo().with_context(active_test=False)
        brought = Partner.search_count(
            [
                ("idic_referred_by_id", "!=", False),
                ("idic_referred_by_id.commercial_partner_id", "=", customer.id),
            ]
        )
        [(points,)] = (
            self.env["loyalty.history"]
            .sudo()
            ._read_group(
                [
                    ("idic_kind", "=", "referral"),
                    ("card_id.partner_id", "=", customer.id),
                ],
                aggregates=["issued:sum"],
            )
        )
        return brought, points or 0.0
