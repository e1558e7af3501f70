# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may read and write the add-on's fields of partners.

* **Read**: every ``idic_*`` field is for internal users. Portal and public
  users never read a score, a segment or a figure over RPC; the portal pages
  show what they choose, read as superuser.
* **Write**: the fields users edit are listed with the groups that may edit
  them (:meth:`ResPartner._idic_field_write_groups`, a hook). Every other
  ``idic_*`` field is a figure the add-on computes (its jobs write it in SQL,
  its flows through :func:`.idic_context.grant` after their own checks):
  nobody writes it by hand, over RPC, an import or a ``default_`` context key
  either.

The checks live in ``_has_field_access``, which the ORM asks for every read,
search, ``create``, ``write``, ``fields_get`` and export, so no path skips
them; fields a user may not write are read-only in its views.
"""

from odoo import api, models
from odoo.exceptions import AccessError

from .idic_context import granted

INTERNAL = "base.group_user"
IDIC_USER = "partner_idic.group_idic_user"
IDIC_MANAGER = "partner_idic.group_idic_manager"


def _is_addon_field(field):
    return field.name.startswith("idic_") and "partner_idic" in field._modules


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _idic_field_write_groups(self):
        """{field: groups} of the add-on's partner fields that users edit (a
        hook: an add-on adding an editable field adds it here). Not listed:
        a figure, written by the add-on only."""
        return {
            # Identify: the profile, for whoever edits contacts.
            "idic_birthdate": INTERNAL,
            "idic_source_id": INTERNAL,
            "idic_medium_id": INTERNAL,
            # Customize: what the customer asked for.
            "idic_preferred_channel": INTERNAL,
            "idic_contact_frequency": INTERNAL,
            "idic_interest_ids": INTERNAL,
            "idic_do_not_contact": INTERNAL,
            # The relationship itself: relationship users.
            "idic_relationship_notes": IDIC_USER,
            "idic_stage_id": IDIC_USER,
            "idic_stage_locked": IDIC_USER,
            "idic_referred_by_id": IDIC_USER,
            "idic_referral_ids": IDIC_USER,
            "idic_referral_causal_share": IDIC_USER,
            "idic_interaction_ids": IDIC_USER,
            # What a customer is given: relationship managers.
            "idic_value_tier_id": IDIC_MANAGER,
            "idic_tier_locked": IDIC_MANAGER,
            "idic_tier_lock_reason": IDIC_MANAGER,
        }

    @api.model
    def _idic_figure_message(self, field):
        """Why ``field``, a figure, cannot be written by hand."""
        label = field._description_string(self.env)
        if field.name in ("idic_member_withdrawn_date", "idic_member_withdraw_reason"):
            return self.env._(
                "%(field)s is set by Withdraw Membership on the member's form, "
                "which checks the membership first.",
                field=label,
            )
        return self.env._(
            "%(field)s is computed by the Customer Relationships app and cannot "
            "be changed by hand.",
            field=label,
        )

    @api.model
    def _idic_addon_field_access(self, field, operation):
        """Whether the add-on lets this user ``operation`` (read, write)
        ``field``, one of its fields (the host's own rules come on top)."""
        if self.env.su:
            return True
        if not self.env.user._is_internal():
            return False
        if operation != "write" or granted(self.env, field.name):
            return True
        groups = self._idic_field_write_groups().get(field.name)
        return bool(groups) and self.env.user.has_groups(groups)

    @api.model
    def _has_field_access(self, field, operation):
        if _is_addon_field(field) and not self._idic_addon_field_access(
            field, operation
        ):
            return False
        return super()._has_field_access(field, operation)

    @api.model
    def _check_field_access(self, field, operation):
        if _is_addon_field(field) and not self._idic_addon_field_access(
            field, operation
        ):
            raise AccessError(self._idic_access_message(field, operation))
        return super()._check_field_access(field, operation)

    @api.model
    def _idic_access_message(self, field, operation):
        label = field._description_string(self.env)
        if operation == "read" or not self.env.user._is_internal():
            return self.env._(
                "%(field)s is internal to the company: only its employees see it.",
                field=label,
            )
        groups = self._idic_field_write_groups().get(field.name)
        if not groups:
            return self._idic_figure_message(field)
        if groups == IDIC_MANAGER:
            return self.env._(
                "Only relationship managers can change %(field)s.", field=label
            )
        return self.env._("Only relationship users can change %(field)s.", field=label)

    def copy_data(self, default=None):
        """A duplicate leaves out what the user may not write itself (the
        host's duplicate must never fail on the add-on's fields)."""
        vals_list = super().copy_data(default=default)
        refused = {
            name
            for name, field in self._fields.items()
            if _is_addon_field(field) and not self._has_field_access(field, "write")
        }
        if refused:
            for vals in vals_list:
                for name in refused & set(vals) - set(default or ()):
                    del vals[name]
        return vals_list


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _has_field_access(self, field, operation):
        """A user's own record carries its partner's fields: the same rules."""
        if field.inherited and field.name.startswith("idic_"):
            Partner = self.env["res.partner"]
            own = Partner._fields.get(field.name)
            if own and not Partner._has_field_access(own, operation):
                return False
        return super()._has_field_access(field, operation)
