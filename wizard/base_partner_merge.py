# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from ..models.idic_context import grant, internal


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    @api.model
    def _update_values(self, src_partners, dst_partner):
        """Merge as the host does, for every user. The host carries the
        company-dependent values (the value tier and figures) in SQL, then
        writes the plain ones again through the ORM, where the tier must not
        be refused to a user who is not a relationship manager; the value and
        donor jobs are asked to run soon for the merged customer's invoices.
        The add-on's restricted fields the user cannot read are carried over
        like the others, so that nothing is lost; so are the add-on's figures
        and fields the user may not write itself (the host merges what the
        partners had, never a value the user chose). The last interaction date
        is the latest of the interactions the partners had."""
        restricted = [
            name
            for name, field in dst_partner._fields.items()
            if "partner_idic" in field._modules
            and field.groups
            and field.store
            and not field.company_dependent
            and not dst_partner._has_field_access(field, "read")
        ]
        addon_fields = [
            name
            for name, field in dst_partner._fields.items()
            if name.startswith("idic_") and "partner_idic" in field._modules
        ]
        merging = grant(
            dst_partner.with_context(idic_partner_merge=internal()), *addon_fields
        )
        result = super()._update_values(src_partners, merging)
        dst = dst_partner.sudo()
        values = {}
        for name in restricted:
            for source in (*src_partners.sudo(), dst):
                if source[name]:
                    values[name] = source._fields[name].convert_to_write(
                        source[name], source
                    )
        if values:
            dst.write(values)
        # The interactions came over with the foreign keys: the merged
        # customer's last interaction is the latest of them all.
        dst.commercial_partner_id._idic_refresh_last_interaction()
        dst_partner._idic_trigger_value_recompute()
        dst_partner._idic_trigger_donor_recompute()
        return result
