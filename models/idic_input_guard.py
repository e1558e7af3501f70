# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What users type into the add-on's fields is checked before the ORM sees it.

Over JSON-RPC a client sends anything: ``NaN``, ``Infinity``, ``1e308``,
``"abc"`` for a number, an integer above 2^31, a selection value that does not
exist, ``"2024-02-30"``. The ORM and PostgreSQL answer those with a technical
error (or, for ``NaN``, accept it and break every computation later); a SQL
CHECK lets ``NaN`` through. This guard refuses them first, with a message in
the user's language naming the field:

* numbers must be numbers, finite, and within the field's bounds (a hook,
  :meth:`IdicInputGuard._idic_bounds`: ``{field: (minimum, maximum)}``),
  integers within PostgreSQL's ``integer``;
* selections one of their values; dates real dates between 1900 and 2199;
* many-to-one values record ids.

The bounds are also a constraint, so a value computed by the server (an
``onchange``, a default) is held to them too.
"""

import math
from datetime import date, datetime

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.orm.identifiers import NewId

INT_MAX = 2**31 - 1
# Amounts and figures beyond this are typing errors, never data.
FLOAT_MAX = 1e15
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)


def _number(value):
    """``value`` as a float, or None when it is not a number."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _format(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


class IdicInputGuard(models.AbstractModel):
    _name = "idic.input.guard"
    _description = "Relationship Input Checks"

    @api.model
    def _idic_bounds(self):
        """{field name: (minimum, maximum)} of the numbers users type into
        this model (a hook: extensions add theirs through ``super()``);
        ``None`` leaves a side open (then only finiteness and the column's
        range are checked)."""
        return {}

    @api.model
    def _idic_guarded(self, field):
        """Whether the guard checks ``field``: the add-on's own fields."""
        return "partner_idic" in field._modules

    @api.model
    def _idic_field_bounds(self, field):
        bounds = self._idic_bounds().get(field.name)
        if bounds is None and field.related and len(field.related.split(".")) == 2:
            # A setting related to a company field: the company's bounds.
            link, target = field.related.split(".")
            link_field = self._fields.get(link)
            if link_field and link_field.type == "many2one":
                Target = self.env[link_field.comodel_name]
                if hasattr(Target, "_idic_bounds"):
                    bounds = Target._idic_bounds().get(target)
        return bounds or (None, None)

    @api.model
    def _idic_input_error(self, field, message, value):
        return ValidationError(
            self.env._(
                "%(field)s: %(problem)s (got: %(value)s).",
                field=field._description_string(self.env),
                problem=message,
                value=str(value)[:40],
            )
        )

    @api.model
    def _idic_check_number(self, field, value):
        number = _number(value)
        if number is None:
            raise self._idic_input_error(field, self.env._("not a number"), value)
        if field.type == "integer" and isinstance(value, str):
            try:
                int(value.strip())
            except ValueError:
                raise self._idic_input_error(
                    field, self.env._("not a whole number"), value
                ) from None
        if not math.isfinite(number):
            raise self._idic_input_error(
                field, self.env._("not a finite number"), value
            )
        low, high = self._idic_field_bounds(field)
        if field.type == "integer":
            low = -INT_MAX if low is None else low
            high = INT_MAX if high is None else high
        else:
            low = -FLOAT_MAX if low is None else low
            high = FLOAT_MAX if high is None else high
        if not low <= number <= high:
            raise self._idic_input_error(
                field,
                self.env._(
                    "must lie between %(low)s and %(high)s",
                    low=_format(low),
                    high=_format(high),
                ),
                value,
            )

    @api.model
    def _idic_check_date(self, field, value):
        convert = (
            fields.Datetime.to_datetime
            if field.type == "datetime"
            else (fields.Date.to_date)
        )
        try:
            day = convert(value)
        except (ValueError, TypeError):
            day = None
        if day is None:
            raise self._idic_input_error(field, self.env._("not a valid date"), value)
        day = day.date() if isinstance(day, datetime) else day
        if not DATE_MIN <= day <= DATE_MAX:
            raise self._idic_input_error(
                field,
                self.env._(
                    "must lie between %(low)s and %(high)s",
                    low=DATE_MIN.isoformat(),
                    high=DATE_MAX.isoformat(),
                ),
                value,
            )

    @api.model
    def _idic_check_value(self, field, value):
        """Refuse ``value`` for ``field`` with a clear message when it is
        not something the field can hold."""
        if value is False or value is None:
            return
        if field.type in ("float", "monetary", "integer"):
            self._idic_check_number(field, value)
        elif field.type in ("date", "datetime"):
            self._idic_check_date(field, value)
        elif field.type == "selection" and not callable(field.selection):
            if value not in field.get_values(self.env):
                raise self._idic_input_error(
                    field, self.env._("not one of the choices"), value
                )
        elif field.type == "many2one" and not isinstance(value, int | models.BaseModel):
            if not isinstance(value, NewId):
                raise self._idic_input_error(field, self.env._("not a record"), value)
        elif field.type == "many2one" and isinstance(value, int):
            if isinstance(value, bool) or not 0 < value <= INT_MAX:
                raise self._idic_input_error(field, self.env._("not a record"), value)

    def _idic_check_input(self, vals):
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is not None and self._idic_guarded(field):
                self._idic_check_value(field, value)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._idic_check_input(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._idic_check_input(vals)
        return super().write(vals)

    @api.constrains(lambda self: list(self._idic_bounds()))
    def _check_idic_bounds(self):
        bounds = self._idic_bounds()
        for record in self:
            for name in bounds:
                field = record._fields[name]
                record._idic_check_value(field, record[name])


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "idic.input.guard"]


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "idic.input.guard"]


class ResConfigSettings(models.TransientModel):
    _name = "res.config.settings"
    _inherit = ["res.config.settings", "idic.input.guard"]


class ProductCategory(models.Model):
    _name = "product.category"
    _inherit = ["product.category", "idic.input.guard"]
