# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Figures are written by the add-on, never by hand.

A figure is a stored field of the add-on declared ``readonly``: what a job, a
closing or a logging flow computes (an assessment's scores, a fit's
parameters, a ledger line's lot data, the event an interaction was logged
from). ``readonly`` alone only greys it in the views; this guard refuses it to
every ``create`` and ``write`` of a user, over RPC, an import or a
``default_`` context key too. The add-on writes figures as superuser (its
jobs) or through :func:`.idic_context.grant` (its flows, after their own
checks). Partners have their own, finer rules (``res_partner_access``).
"""

from odoo import api, models
from odoo.exceptions import AccessError

from .idic_context import granted


class IdicFigureGuard(models.AbstractModel):
    _name = "idic.figure.guard"
    _description = "Relationship Figures Guard"

    @api.model
    def _idic_is_figure(self, field):
        """Whether ``field`` is a figure of the add-on (a hook)."""
        return bool(
            "partner_idic" in field._modules
            and field.readonly
            and field.store
            and not field.related
            and not field.inherited
        )

    @api.model
    def _idic_figure_refused(self, field):
        return (
            self._idic_is_figure(field)
            and not self.env.su
            and not granted(self.env, field.name)
        )

    @api.model
    def _has_field_access(self, field, operation):
        if operation == "write" and self._idic_figure_refused(field):
            return False
        return super()._has_field_access(field, operation)

    @api.model
    def _check_field_access(self, field, operation):
        if operation == "write" and self._idic_figure_refused(field):
            raise AccessError(
                self.env._(
                    "%(field)s is computed by the Customer Relationships app and "
                    "cannot be changed by hand.",
                    field=field._description_string(self.env),
                )
            )
        return super()._check_field_access(field, operation)


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "idic.figure.guard"]


class LoyaltyHistory(models.Model):
    _name = "loyalty.history"
    _inherit = ["loyalty.history", "idic.figure.guard"]


class MembershipLine(models.Model):
    _name = "membership.membership_line"
    _inherit = ["membership.membership_line", "idic.figure.guard"]


class SurveyUserInput(models.Model):
    _name = "survey.user_input"
    _inherit = ["survey.user_input", "idic.figure.guard"]
