# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The purchase models of a company, fitted and checked (issue #28).

At each run of the value job, per company (``_idic_fit_company``):

1. the data the models would have: customers, repeat customers, history span
   and purchases in the last 90 days; below the company's minimums no
   prediction is made, and the fit says what is missing;
2. BG/NBD, Pareto/NBD and Gamma-Gamma are fitted on every customer's history
   (``clv_model``), when enough customers bought again;
3. the holdout check: the purchase models are fitted again on the history up
   to a cut-off (``idic_clv_holdout_weeks`` ago) and predict each customer's
   repeat purchases after it; the predictions are compared with what the
   customers bought, beside a naive baseline (each customer goes on at its own
   past rate; ``clv_check``);
4. the model with the lower holdout error is used (or the one the company
   fixed), unless it did worse than the baseline: then the baseline gives the
   figures.  The fit records all of it, with the reason in words.

The record is the company's "Model Check" (Reporting, Settings); the value job
predicts with it (``_idic_predict``) and the SQL of the figures takes the
next purchase date and the churn band from it.
"""

import logging
import math
import time
from datetime import timedelta

import numpy as np
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from . import clv_check, clv_model
from .res_partner_engagement import DAYS_PER_UNIT, UNITS_PER_MONTH

_logger = logging.getLogger(__name__)

METHODS = [
    ("model", "BG/NBD + Gamma-Gamma"),
    ("pareto_nbd", "Pareto/NBD + Gamma-Gamma"),
    ("baseline", "Own past rate"),
    ("simple", "Simple formula"),
    ("insufficient", "Too little data"),
]
# The methods whose predictions come from this record (``_idic_predict``).
PREDICTING = ("model", "pareto_nbd", "baseline")
MODEL_NAMES = {"model": "BG/NBD", "pareto_nbd": "Pareto/NBD"}
RECENT_DAYS = 90
# The customers or repeat customers may move by this share before the models
# are fitted again ahead of the company's refit interval.
REFIT_SHARE = 0.05
# Fits kept per company: one per day (the last of the day), for a year.
KEEP_DAYS = 400
# The next purchase is at most this far (days): beyond it, no date.
MAX_WAIT_DAYS = 3650
CHURN_BANDS = [("low", "Low risk"), ("medium", "Medium risk"), ("high", "High risk")]


def _params_of(prefix, names, record):
    return tuple(record[f"{prefix}_{name}"] for name in names)


class IdicClvFit(models.Model):
    _name = "idic.clv.fit"
    _description = "Lifetime Value Model Check"
    _order = "date desc, id desc"
    _rec_name = "date"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    date = fields.Datetime(string="Checked On", required=True, readonly=True)
    today = fields.Date(string="Data Up To", readonly=True)
    method = fields.Selection(
        METHODS,
        string="Figures From",
        required=True,
        readonly=True,
        help="What gives the predicted figures of the company's customers.",
    )
    choice = fields.Selection(
        [
            ("auto", "The one with the lower holdout error"),
            ("bgnbd", "BG/NBD"),
            ("pareto_nbd", "Pareto/NBD"),
        ],
        string="Purchase Model Setting",
        readonly=True,
    )
    reason = fields.Text(string="Why", readonly=True)
    # The data the models had
    customers = fields.Integer(readonly=True, help="Customers with an invoice.")
    repeat_customers = fields.Integer(
        readonly=True, help="Customers who bought on more than one day."
    )
    span_weeks = fields.Float(
        string="History (weeks)",
        readonly=True,
        help="From the first invoice of the oldest customer to today.",
    )
    recent_purchases = fields.Integer(
        string="Purchases in 90 Days",
        readonly=True,
        help="Invoice days of the customers in the last 90 days.",
    )
    missing = fields.Text(
        string="Missing Data",
        readonly=True,
        help="What the data lacks for predictions (the minimums of Settings).",
    )
    zero_rate = fields.Float(
        string="Repeat Purchases per Week of Age",
        readonly=True,
        help="All the repeat purchases over the customers' total age: the "
        "rhythm of a customer who bought once, for the own-rate figures.",
    )
    # The fits on every customer's history
    bgnbd_r = fields.Float(string="BG/NBD r", readonly=True)
    bgnbd_alpha = fields.Float(string="BG/NBD alpha", readonly=True)
    bgnbd_a = fields.Float(string="BG/NBD a", readonly=True)
    bgnbd_b = fields.Float(string="BG/NBD b", readonly=True)
    bgnbd_log_likelihood = fields.Float(string="BG/NBD Log-likelihood", readonly=True)
    bgnbd_converged = fields.Boolean(string="BG/NBD Converged", readonly=True)
    pareto_nbd_r = fields.Float(string="Pareto/NBD r", readonly=True)
    pareto_nbd_alpha = fields.Float(string="Pareto/NBD alpha", readonly=True)
    pareto_nbd_s = fields.Float(string="Pareto/NBD s", readonly=True)
    pareto_nbd_beta = fields.Float(string="Pareto/NBD beta", readonly=True)
    pareto_nbd_log_likelihood = fields.Float(
        string="Pareto/NBD Log-likelihood", readonly=True
    )
    pareto_nbd_converged = fields.Boolean(string="Pareto/NBD Converged", readonly=True)
    gg_p = fields.Float(string="Gamma-Gamma p", readonly=True)
    gg_q = fields.Float(string="Gamma-Gamma q", readonly=True)
    gg_gamma = fields.Float(string="Gamma-Gamma gamma", readonly=True)
    gg_converged = fields.Boolean(string="Gamma-Gamma Converged", readonly=True)
    fit_message = fields.Text(string="Fit Report", readonly=True)
    # The holdout check
    holdout_weeks = fields.Integer(string="Holdout (weeks)", readonly=True)
    cutoff = fields.Date(
        string="Calibration Up To",
        readonly=True,
        help="The models of the check saw the invoices up to this day.",
    )
    holdout_customers = fields.Integer(
        readonly=True, help="Customers who bought before the cut-off."
    )
    holdout_message = fields.Text(string="Holdout Check", readonly=True)
    holdout_table = fields.Json(
        readonly=True,
        help="Per repeat purchases before the cut-off (0 to 7+): customers, mean "
        "actual and predicted repeat purchases after it.",
    )
    holdout_html = fields.Html(
        string="Conditional Expectations",
        compute="_compute_holdout_html",
        sanitize=False,
    )
    holdout_params = fields.Json(
        string="Calibration Parameters",
        readonly=True,
        help="The parameters fitted on the calibration period.",
    )
    actual_purchases = fields.Float(string="Actual Repeat Purchases", readonly=True)
    bgnbd_purchases = fields.Float(string="BG/NBD Predicted", readonly=True)
    pareto_nbd_purchases = fields.Float(string="Pareto/NBD Predicted", readonly=True)
    baseline_purchases = fields.Float(string="Baseline Predicted", readonly=True)
    bgnbd_mae = fields.Float(
        string="BG/NBD Error",
        readonly=True,
        help="Mean absolute error per customer over the holdout period (repeat "
        "purchases).",
    )
    pareto_nbd_mae = fields.Float(string="Pareto/NBD Error", readonly=True)
    baseline_mae = fields.Float(
        string="Baseline Error",
        readonly=True,
        help="Mean absolute error per customer of the naive baseline: each "
        "customer goes on at its own past rate.",
    )
    # The spread of the predicted value
    lorenz = fields.Json(
        string="Lorenz Curve",
        readonly=True,
        help="Share of the predicted value held by each share of the customers, "
        "ranked from the lowest (deciles).",
    )
    gini = fields.Float(
        string="Gini Coefficient",
        readonly=True,
        help="0: every customer has the same predicted value; near 1: a few "
        "customers have nearly all of it.",
    )
    predicted_customers = fields.Integer(
        readonly=True, help="Customers with a predicted value."
    )
    fit_seconds = fields.Float(digits=(16, 2), readonly=True)
    check_seconds = fields.Float(string="Holdout Check Seconds", readonly=True)

    @api.depends("holdout_table")
    def _compute_holdout_html(self):
        for fit in self:
            rows = fit.holdout_table or []
            if not rows:
                fit.holdout_html = False
                continue
            columns = [("customers", self.env._("Customers")), *fit._idic_series()]
            head = Markup("").join(
                Markup('<th class="text-end">%s</th>') % label
                for _key, label in columns
            )
            body = Markup("").join(
                Markup("<tr><th>%s</th>%s</tr>")
                % (
                    row["label"],
                    Markup("").join(
                        Markup('<td class="text-end">%s</td>')
                        % (f"{row[key]:,}" if key == "customers" else f"{row[key]:.3f}")
                        for key, _label in columns
                    ),
                )
                for row in rows
            )
            fit.holdout_html = Markup(
                '<table class="table table-sm o_idic_holdout_table"><thead><tr>'
                "<th>%s</th>%s</tr></thead><tbody>%s</tbody></table>"
            ) % (self.env._("Repeat purchases before the cut-off"), head, body)

    def _idic_series(self):
        """(key, label) of the holdout table's columns of repeat purchases:
        the actual ones and each prediction."""
        self.ensure_one()
        rows = self.holdout_table or []
        series = [("actual", self.env._("Actual"))]
        for method in ("model", "pareto_nbd", "baseline"):
            if rows and method in rows[0]:
                series.append(
                    (
                        method,
                        MODEL_NAMES.get(method)
                        or self.env._("Own past rate (baseline)"),
                    )
                )
        return series

    # ------------------------------------------------------------------------
    # The fit and the check (the value job)
    # ------------------------------------------------------------------------
    @api.model
    def _idic_fit_company(self, company, today, x, t_x, T, m):
        """Fit and check the purchase models of ``company`` on its customers'
        (x, t_x, T, m) (weeks; see ``clv_model``), record the fit and the
        company's summary of it. Returns the fit when its predictions give
        the figures, else an empty recordset (the simple formula, or too
        little data)."""
        company = company.sudo()
        started = time.perf_counter()
        summary = self._idic_data_summary(company, today, x, T)
        vals = dict(
            summary,
            company_id=company.id,
            date=fields.Datetime.now(),
            today=today,
            choice=company.idic_clv_model_choice,
            holdout_weeks=company.idic_clv_holdout_weeks,
        )
        missing = self._idic_missing_data(company, summary)
        least_repeat = max(company.idic_clv_min_repeat_customers, 1)
        if missing:
            vals.update(
                method="insufficient",
                missing="\n".join(missing),
                reason=self.env._(
                    "Too little data for predictions: %(missing)s. The customers "
                    "have no probability of being active, predicted value, next "
                    "purchase date or churn risk until there is more.",
                    missing="; ".join(missing),
                ),
            )
        elif summary["repeat_customers"] < least_repeat:
            vals.update(
                method="simple",
                reason=self.env._(
                    "%(repeat)s customers bought again, fewer than the %(least)s "
                    "the purchase models need (Settings): the simple formula gives "
                    "the predicted value, each customer's own rhythm the "
                    "probability of being active.",
                    repeat=summary["repeat_customers"],
                    least=least_repeat,
                ),
            )
        else:
            self._idic_fit_models(company, today, x, t_x, T, m, vals)
        vals["fit_seconds"] = time.perf_counter() - started
        fit = self._idic_record(company, today, vals)
        _logger.info(
            "IDIC value: %s predicts with %s (%s)", company.name, fit.method, fit.reason
        )
        return fit if fit.method in PREDICTING else self.browse()

    @api.model
    def _idic_reusable_fit(self, company, today, x):
        """The company's last fit when it still predicts on ``today`` (else
        an empty recordset): a fit of a purchase model or of the baseline,
        made less than ``idic_clv_refit_days`` days before, with the purchase
        model and holdout settings of now, on customers (``x``: their repeat
        purchases) and repeat customers that moved by at most REFIT_SHARE
        since. Between two fits the customers' predictions are as of the
        fit's day, so that a night without new invoices rewrites none."""
        company = company.sudo()
        fit = company.idic_clv_fit_id
        if not (
            fit
            and fit.method in PREDICTING
            and fit.today
            and fit.today <= today
            and (today - fit.today).days < company.idic_clv_refit_days
            and fit.choice == company.idic_clv_model_choice
            and fit.holdout_weeks == company.idic_clv_holdout_weeks
        ):
            return self.browse()
        for before, now in (
            (fit.customers, len(x)),
            (fit.repeat_customers, int(np.count_nonzero(x > 0))),
        ):
            if abs(now - before) > REFIT_SHARE * max(before, 1):
                return self.browse()
        return fit

    @api.model
    def _idic_data_summary(self, company, today, x, T):
        """What the models would have: customers, repeat customers, history
        span (weeks), purchases in the last 90 days, the repeat purchase rate
        over all ages."""
        self.env.cr.execute(
            SQL(
                """SELECT COUNT(DISTINCT (m.commercial_partner_id, m.invoice_date))
                     FROM account_move m
                    WHERE %(moves)s AND m.move_type = 'out_invoice'
                      AND m.invoice_date > %(since)s AND m.invoice_date <= %(today)s""",
                moves=self.env["res.partner"]._idic_value_moves_sql(company),
                since=today - timedelta(days=RECENT_DAYS),
                today=today,
            )
        )
        exposure = float(np.sum(T)) if len(T) else 0.0
        return {
            "customers": len(x),
            "repeat_customers": int(np.count_nonzero(x > 0)),
            "span_weeks": float(np.max(T)) if len(T) else 0.0,
            "recent_purchases": self.env.cr.fetchone()[0],
            "zero_rate": float(np.sum(x)) / exposure if exposure > 0 else 0.0,
        }

    @api.model
    def _idic_missing_data(self, company, summary):
        """What the data lacks for predictions, in words (empty: enough)."""
        missing = []
        if summary["customers"] < company.idic_clv_min_customers:
            missing.append(
                self.env._(
                    "%(count)s customers, fewer than %(least)s",
                    count=summary["customers"],
                    least=company.idic_clv_min_customers,
                )
            )
        if summary["span_weeks"] < company.idic_clv_min_span_weeks:
            missing.append(
                self.env._(
                    "%(weeks)s weeks of history, fewer than %(least)s",
                    weeks=math.floor(summary["span_weeks"]),
                    least=company.idic_clv_min_span_weeks,
                )
            )
        if summary["recent_purchases"] < company.idic_clv_min_recent_purchases:
            missing.append(
                self.env._(
                    "%(count)s purchases in the last 90 days, fewer than %(least)s",
                    count=summary["recent_purchases"],
                    least=company.idic_clv_min_recent_purchases,
                )
            )
        return missing

    @api.model
    def _idic_last_params(self, company, prefix, names):
        """The parameters of the company's last converged fit of a model, to
        start the search from (None: none)."""
        last = company.idic_clv_fit_id
        if last and last[f"{prefix}_converged"]:
            return _params_of(prefix, names, last)
        return None

    @api.model
    def _idic_fit_models(self, company, today, x, t_x, T, m, vals):
        """Fit BG/NBD, Pareto/NBD and Gamma-Gamma, check them against the
        holdout and choose the method: fills ``vals``."""
        spenders = (x > 0) & (m > 0)
        pareto_start = self._idic_last_params(
            company, "pareto_nbd", ("r", "alpha", "s", "beta")
        )
        fits = {
            "bgnbd": lambda: clv_model.bgnbd_fit_result(x, t_x, T),
            "pareto_nbd": lambda: clv_model.pareto_nbd_fit_result(
                x, t_x, T, start=pareto_start
            ),
            "gg": lambda: clv_model.gamma_gamma_fit_result(x[spenders], m[spenders]),
        }
        names = {
            "bgnbd": ("r", "alpha", "a", "b"),
            "pareto_nbd": ("r", "alpha", "s", "beta"),
            "gg": ("p", "q", "gamma"),
        }
        labels = {"bgnbd": "BG/NBD", "pareto_nbd": "Pareto/NBD", "gg": "Gamma-Gamma"}
        results, report = {}, []
        for key, fit in fits.items():
            try:
                result = fit()
            except (ValueError, ArithmeticError) as error:
                report.append(f"{labels[key]}: {error}")
                continue
            results[key] = result
            report.append(f"{labels[key]}: {result.message}.")
            vals[f"{key}_converged"] = result.converged
            for name, value in zip(names[key], result.params, strict=True):
                vals[f"{key}_{name}"] = value
            if key != "gg":
                vals[f"{key}_log_likelihood"] = result.log_likelihood
        vals["fit_message"] = "\n".join(report)
        gg = results.get("gg")
        candidates = {}
        if gg and gg.converged and gg.params[1] > 1:
            for method, key in (("model", "bgnbd"), ("pareto_nbd", "pareto_nbd")):
                if key in results and results[key].converged:
                    candidates[method] = results[key].params
        if not candidates:
            vals.update(
                method="simple",
                reason=self.env._(
                    "The fit of the purchase or spend models did not converge "
                    "(see the fit report): the simple formula gives the predicted "
                    "value."
                ),
            )
            return
        started = time.perf_counter()
        holdout = self._idic_holdout_check(company, today, candidates)
        vals["check_seconds"] = time.perf_counter() - started
        vals.update(holdout["vals"])
        vals.update(self._idic_choose(company, candidates, holdout["errors"], vals))

    @api.model
    def _idic_holdout_rows(self, company, today, cutoff):
        """Per customer who bought before ``cutoff``: repeat purchases,
        last purchase and age (days) at the cut-off, and repeat purchases
        from the day after it to ``today``; invoice days as in the value
        stage."""
        self.env.cr.execute(
            SQL(
                """
                SELECT COUNT(DISTINCT m.invoice_date)
                           FILTER (WHERE m.invoice_date <= %(cutoff)s) - 1,
                       MAX(m.invoice_date) FILTER (WHERE m.invoice_date <= %(cutoff)s)
                           - MIN(m.invoice_date),
                       %(cutoff)s::date - MIN(m.invoice_date),
                       COUNT(DISTINCT m.invoice_date)
                           FILTER (WHERE m.invoice_date > %(cutoff)s
                                     AND m.invoice_date <= %(today)s)
                  FROM account_move m
                 WHERE %(moves)s AND m.move_type = 'out_invoice'
                 GROUP BY m.commercial_partner_id
                HAVING MIN(m.invoice_date) <= %(cutoff)s
                """,
                cutoff=cutoff,
                today=today,
                moves=self.env["res.partner"]._idic_value_moves_sql(company),
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _idic_holdout_check(self, company, today, candidates):
        """The check of the purchase models of ``candidates`` (method ->
        parameters fitted on all the history): fitted again on the history
        up to the cut-off, their predictions of the holdout weeks against
        the actual repeat purchases and the baseline's. Returns {"vals":
        fields of the fit, "errors": method -> holdout errors}."""
        weeks = company.idic_clv_holdout_weeks
        cutoff = today - timedelta(weeks=weeks)
        rows = self._idic_holdout_rows(company, today, cutoff)
        vals = {"cutoff": cutoff, "holdout_customers": len(rows)}
        least = max(company.idic_clv_min_repeat_customers, 1)
        data = np.array(rows, dtype=float).reshape(-1, 4)
        x, t_x, T, actual = (data[:, col] for col in range(4))
        t_x, T = t_x / DAYS_PER_UNIT, T / DAYS_PER_UNIT
        repeat = int(np.count_nonzero(x > 0))
        if repeat < least:
            vals["holdout_message"] = self.env._(
                "%(repeat)s customers had bought again by %(cutoff)s, fewer than "
                "the %(least)s the models need: no holdout check (a shorter "
                "holdout period in Settings leaves more history to fit).",
                repeat=repeat,
                cutoff=cutoff,
                least=least,
            )
            return {"vals": vals, "errors": {}}
        predictions, params, report = {}, {}, []
        for method, full in candidates.items():
            try:
                if method == "model":
                    fit = clv_model.bgnbd_fit_result(x, t_x, T)
                    predict = clv_model.bgnbd_expected_purchases
                else:
                    fit = clv_model.pareto_nbd_fit_result(x, t_x, T, start=full)
                    predict = clv_model.pareto_nbd_expected_purchases
            except (ValueError, ArithmeticError) as error:
                report.append(f"{MODEL_NAMES[method]}: {error}")
                continue
            if not fit.converged:
                report.append(f"{MODEL_NAMES[method]}: {fit.message}")
                continue
            params[method] = list(fit.params)
            predictions[method] = predict(fit.params, weeks, x, t_x, T)
        predictions["baseline"] = clv_check.naive_expected_purchases(x, T, weeks)
        errors = {
            method: clv_check.holdout_errors(actual, predicted)
            for method, predicted in predictions.items()
        }
        fields_of = {
            "model": "bgnbd",
            "pareto_nbd": "pareto_nbd",
            "baseline": "baseline",
        }
        for method, error in errors.items():
            vals[f"{fields_of[method]}_purchases"] = error["predicted"]
            vals[f"{fields_of[method]}_mae"] = error["mae"]
        vals.update(
            actual_purchases=float(np.sum(actual)),
            holdout_params=params,
            holdout_table=clv_check.conditional_expectations(x, actual, predictions),
            holdout_message=self.env._(
                "The models fitted on the invoices up to %(cutoff)s predicted "
                "the repeat purchases of its %(customers)s customers in the "
                "%(weeks)s weeks after it.",
                cutoff=cutoff,
                customers=len(rows),
                weeks=weeks,
            )
            + ("\n" + "\n".join(report) if report else ""),
        )
        return {"vals": vals, "errors": errors}

    @api.model
    def _idic_choose(self, company, candidates, errors, vals):
        """The method and the reason, from the company's choice, the models
        that converged (``candidates``) and their holdout ``errors``."""
        choice = company.idic_clv_model_choice
        wanted = {"bgnbd": "model", "pareto_nbd": "pareto_nbd"}.get(choice)
        checked = [method for method in candidates if method in errors]
        if wanted in candidates:
            method = wanted
            reason = self.env._(
                "%(model)s, as fixed in Settings.", model=MODEL_NAMES[wanted]
            )
        elif wanted:
            method = next(iter(candidates))
            reason = self.env._(
                "%(wanted)s is fixed in Settings but its fit did not converge: "
                "%(model)s gives the figures.",
                wanted=MODEL_NAMES[wanted],
                model=MODEL_NAMES[method],
            )
        elif checked:
            method = min(checked, key=lambda name: errors[name]["mae"])
            reason = self.env._(
                "%(model)s had the lower holdout error: %(errors)s repeat "
                "purchases per customer (mean absolute error).",
                model=MODEL_NAMES[method],
                errors=", ".join(
                    f"{MODEL_NAMES[name]} {errors[name]['mae']:.3f}" for name in checked
                ),
            )
        else:
            method = "model" if "model" in candidates else "pareto_nbd"
            reason = self.env._(
                "%(model)s (no holdout check to choose by).",
                model=MODEL_NAMES[method],
            )
        baseline = errors.get("baseline")
        if baseline and method in errors and errors[method]["mae"] > baseline["mae"]:
            reason = self.env._(
                "%(model)s predicted the holdout weeks worse than each customer's "
                "own past rate (mean absolute error %(model_error)s against "
                "%(baseline_error)s repeat purchases per customer): the figures "
                "use that rate.",
                model=MODEL_NAMES[method],
                model_error=f"{errors[method]['mae']:.3f}",
                baseline_error=f"{baseline['mae']:.3f}",
            )
            method = "baseline"
        return {"method": method, "reason": reason}

    @api.model
    def _idic_record(self, company, today, vals):
        """Create the fit (the last one of its day replaces the others),
        forget those older than KEEP_DAYS and write the company's summary."""
        old = self.sudo().search(
            [
                ("company_id", "=", company.id),
                "|",
                ("today", "=", today),
                ("today", "<", today - timedelta(days=KEEP_DAYS)),
            ]
        )
        fit = self.sudo().create(vals)
        chosen = {"model": "bgnbd", "pareto_nbd": "pareto_nbd"}.get(fit.method)
        converged = bool(
            fit.gg_converged
            and (fit[f"{chosen}_converged"] if chosen else fit.bgnbd_converged)
        )
        company_vals = {
            "idic_clv_fit_id": fit.id,
            "idic_clv_method": fit.method,
            "idic_clv_repeat_customers": fit.repeat_customers,
            "idic_clv_fit_customers": fit.customers,
            "idic_clv_fit_converged": converged,
            "idic_clv_fit_message": fit.fit_message or False,
        }
        if fit.fit_message:
            company_vals.update(
                idic_clv_fit_date=fit.date,
                idic_bgnbd_r=fit.bgnbd_r,
                idic_bgnbd_alpha=fit.bgnbd_alpha,
                idic_bgnbd_a=fit.bgnbd_a,
                idic_bgnbd_b=fit.bgnbd_b,
                idic_gg_p=fit.gg_p,
                idic_gg_q=fit.gg_q,
                idic_gg_gamma=fit.gg_gamma,
            )
        company.write(company_vals)
        old.unlink()
        return fit

    # ------------------------------------------------------------------------
    # Predictions
    # ------------------------------------------------------------------------
    def _idic_predict(self, x, t_x, T, m, ratio):
        """(p_alive, expected purchases, discounted predicted margin) of each
        customer with this fit's method: the expected purchases of each month
        of the company's horizon times the expected spend and margin ratio,
        discounted monthly at its annual rate."""
        self.ensure_one()
        company = self.company_id
        months = company.idic_clv_horizon_months
        horizons = [month * UNITS_PER_MONTH for month in range(1, months + 1)]
        if self.method == "baseline":
            p_alive = clv_model.p_alive_simple(x, t_x, T, zero_rate=self.zero_rate)
            rate = np.divide(x, T, out=np.zeros(len(x)), where=T > 0)
            path = (rate * horizon for horizon in horizons)
            # Its own average repeat purchase (nothing ahead without one).
            spend = np.maximum(m, 0)
        else:
            if self.method == "model":
                params = _params_of("bgnbd", ("r", "alpha", "a", "b"), self)
                p_alive = clv_model.bgnbd_p_alive(params, x, t_x, T)
                paths = clv_model.bgnbd_expected_purchases_path
            else:
                params = _params_of("pareto_nbd", ("r", "alpha", "s", "beta"), self)
                p_alive = clv_model.pareto_nbd_p_alive(params, x, t_x, T)
                paths = clv_model.pareto_nbd_expected_purchases_path
            path = paths(params, horizons, x, t_x, T)
            spend = clv_model.gamma_gamma_expected_spend(
                (self.gg_p, self.gg_q, self.gg_gamma), x, np.maximum(m, 0)
            )
        monthly = (1.0 + company.idic_clv_discount_rate / 100.0) ** (-1.0 / 12.0)
        cumulative = np.zeros(len(x))
        discounted = np.zeros(len(x))
        for month, upto in enumerate(path, start=1):
            discounted += (upto - cumulative) * monthly**month
            cumulative = upto
        return p_alive, cumulative, discounted * spend * ratio

    def _idic_wait_days_sql(self, x, age):
        """SQL of a customer's median wait to its next purchase in days,
        given it is active (``x``: its repeat purchases, ``age``: days since
        its first purchase; SQL expressions). With a purchase model, the
        posterior purchase rate is Gamma(r + x, alpha + T):
        (alpha + T) (2^(1 / (r + x)) - 1) (``clv_model.median_wait_given_alive``);
        otherwise its own rate x / T (the company's for a one-time buyer),
        an exponential wait: ln 2 / rate. NULL: no rate. In float8: the
        parameters would otherwise be numeric, whose fractional power costs
        some sixty times more (7 microseconds a customer, and the expression
        is read twice)."""
        self.ensure_one()
        if self.method in ("model", "pareto_nbd"):
            prefix = "bgnbd" if self.method == "model" else "pareto_nbd"
            r, alpha = self[f"{prefix}_r"], self[f"{prefix}_alpha"]
            return SQL(
                "(%(alpha)s::float8 + %(age)s / %(unit)s::float8)"
                " * (POWER(2.0::float8, 1.0::float8 / (%(r)s::float8 + %(x)s)) - 1)"
                " * %(unit)s::float8",
                alpha=alpha,
                age=age,
                unit=DAYS_PER_UNIT,
                r=r,
                x=x,
            )
        zero_rate = self.zero_rate / DAYS_PER_UNIT  # per day
        return SQL(
            """CASE WHEN %(x)s > 0 AND %(age)s > 0
                    THEN LN(2.0::float8) * %(age)s / %(x)s
                    WHEN %(zero)s::float8 > 0 THEN LN(2.0::float8) / %(zero)s::float8
               END""",
            x=x,
            age=age,
            zero=zero_rate,
        )

    def _idic_churn_band_sql(self, p_alive):
        """SQL of the churn band of a probability of being active (0-1):
        low from the company's low-risk limit, high below its high-risk one,
        medium between; NULL without a probability."""
        company = self.company_id
        return SQL(
            """(CASE WHEN %(p)s IS NULL THEN NULL
                     WHEN %(p)s >= %(low)s THEN 'low'
                     WHEN %(p)s < %(high)s THEN 'high'
                     ELSE 'medium' END)::varchar""",
            p=p_alive,
            low=company.idic_churn_low_threshold / 100.0,
            high=company.idic_churn_high_threshold / 100.0,
        )

    def _idic_record_spread(self, predicted):
        """Record the spread of the customers' predicted value: its Lorenz
        curve at the deciles and its Gini coefficient."""
        self.ensure_one()
        self.sudo().write(
            {
                "lorenz": clv_check.lorenz_curve(predicted),
                "gini": clv_check.gini(predicted),
                "predicted_customers": len(predicted),
            }
        )

    # ------------------------------------------------------------------------
    # Model Check (Reporting) and the Overview
    # ------------------------------------------------------------------------
    @api.model
    def _idic_latest(self, company):
        """The latest fit of ``company`` the user may read."""
        return self.search([("company_id", "=", company.id)], limit=1)

    def _idic_holdout_chart(self):
        """Chart: mean actual and predicted repeat purchases in the holdout
        weeks, per repeat purchases before the cut-off (grouped bars)."""
        self.ensure_one()
        rows = self.holdout_table or []
        if not rows:
            return None
        series = self._idic_series()
        return {
            "type": "clv_chart",
            "key": "model_check",
            "title": self.env._(
                "Holdout check: repeat purchases in the %(weeks)s weeks after %(cutoff)s",
                weeks=self.holdout_weeks,
                cutoff=self.cutoff,
            ),
            "kind": "bar",
            "labels": [row["label"] for row in rows],
            "x_title": self.env._("Repeat purchases before the cut-off"),
            "y_title": self.env._("Repeat purchases per customer after it"),
            "datasets": [
                {"label": label, "data": [round(row[key], 3) for row in rows]}
                for key, label in series
            ],
            "digits": 2,
        }

    def _idic_lorenz_chart(self):
        """Chart: the Lorenz curve of the predicted value with the line of
        equality; the Gini coefficient in the title."""
        self.ensure_one()
        if not self.lorenz or not self.predicted_customers:
            return None
        points = self.lorenz
        return {
            "type": "clv_chart",
            "key": "lorenz",
            "title": self.env._(
                "Spread of the predicted value (Gini %(gini)s)",
                gini=f"{self.gini:.2f}",
            ),
            "kind": "line",
            "labels": [f"{round(100 * share)}" for share, _value in points],
            "x_title": self.env._("Customers, from the lowest predicted value (%)"),
            "y_title": self.env._("Share of the predicted value (%)"),
            "datasets": [
                {
                    "label": self.env._("Lorenz curve"),
                    "data": [round(100 * value, 1) for _share, value in points],
                },
                {
                    "label": self.env._("Equal value"),
                    "data": [round(100 * share, 1) for share, _value in points],
                    "dashed": True,
                },
            ],
            "digits": 1,
            "percent": True,
        }

    @api.model
    def _idic_churn_band_chart(self, domain):
        """Chart: customers and their predicted value per churn band (grouped
        bars on two axes), each band opening its customers."""
        Partner = self.env["res.partner"]
        company = self.env.company
        groups = {
            band: (count, value or 0.0)
            for band, count, value in Partner._read_group(
                [*domain, ("idic_churn_band", "!=", False)],
                ["idic_churn_band"],
                ["__count", "idic_predicted_clv:sum"],
            )
        }
        if not groups:
            return None
        labels = dict(
            Partner._fields["idic_churn_band"]._description_selection(self.env)
        )
        Overview = self.env["idic.overview"]
        return {
            "type": "clv_chart",
            "key": "churn_bands",
            "title": self.env._("Churn risk: customers and predicted value"),
            "kind": "bar",
            "labels": [labels[band] for band, _label in CHURN_BANDS],
            "x_title": self.env._("Churn risk"),
            "y_title": self.env._("Customers"),
            "y1_title": self.env._(
                "Predicted value (%(currency)s)", currency=company.currency_id.name
            ),
            "datasets": [
                {
                    "label": self.env._("Customers"),
                    "data": [groups.get(band, (0, 0))[0] for band, _l in CHURN_BANDS],
                },
                {
                    "label": self.env._("Predicted value"),
                    "data": [
                        round(groups.get(band, (0, 0.0))[1], 2)
                        for band, _l in CHURN_BANDS
                    ],
                    "axis": "y1",
                },
            ],
            "actions": [
                Overview._action(
                    "partner_idic.res_partner_action_idic_engagement",
                    labels[band],
                    [*domain, ("idic_churn_band", "=", band)],
                )
                for band, _label in CHURN_BANDS
            ],
        }

    def _idic_data_tiles(self):
        """Tiles: the data the models had, against the minimums."""
        self.ensure_one()
        company = self.company_id
        Overview = self.env["idic.overview"]

        def tile(key, label, value, least, display=None):
            return Overview._tile(
                f"clv_data_{key}",
                label,
                value,
                display=display,
                hint=self.env._("at least %(least)s", least=least),
                tone="danger" if value < least else "",
            )

        return [
            tile(
                "customers",
                self.env._("Customers"),
                self.customers,
                company.idic_clv_min_customers,
            ),
            Overview._tile(
                "clv_data_repeat",
                self.env._("Repeat customers"),
                self.repeat_customers,
                hint=self.env._(
                    "%(least)s for the purchase models",
                    least=company.idic_clv_min_repeat_customers,
                ),
            ),
            tile(
                "span",
                self.env._("Weeks of history"),
                self.span_weeks,
                company.idic_clv_min_span_weeks,
                display=f"{math.floor(self.span_weeks):,}",
            ),
            tile(
                "recent",
                self.env._("Purchases in 90 days"),
                self.recent_purchases,
                company.idic_clv_min_recent_purchases,
            ),
        ]

    def _idic_notice_tile(self):
        """A tile saying the predictions are hidden and what is missing."""
        self.ensure_one()
        return self.env["idic.overview"]._tile(
            "clv_hidden",
            self.env._("Predictions hidden: too little data"),
            0,
            display=self.env._("No predictions"),
            hint=(self.missing or "").replace("\n", "; "),
            tone="warning",
        )

    @api.model
    def get_model_check(self, company_id=None):
        """The Model Check of one company (``company_id`` or the current
        one): the data the models had, the holdout check, the spread of the
        predicted value and the churn risk, as the Overview's sections."""
        if not self.env.user.has_group("partner_idic.group_idic_user"):
            return {"sections": []}
        Overview = self.env["idic.overview"]
        company = Overview._overview_company(company_id)
        Fit = self.with_context(allowed_company_ids=[company.id])
        fit = Fit._idic_latest(company)
        data = {
            "company": company.display_name,
            "company_id": company.id,
            "companies": [
                {"id": c.id, "name": c.display_name} for c in self.env.user.company_ids
            ],
            "sections": [],
        }
        if not fit:
            return data
        labels = dict(self._fields["method"]._description_selection(self.env))
        company_fits = [("company_id", "=", company.id)]
        history = Overview._action(
            "partner_idic.idic_clv_fit_action",
            self.env._("Model checks"),
            company_fits,
            views=("list", "form"),
        )
        this_fit = [("id", "=", fit.id)]
        method_tile = Overview._tile(
            "clv_method",
            self.env._("Figures from"),
            0,
            Overview._action(
                "partner_idic.idic_clv_fit_action",
                self.env._("Model check"),
                this_fit,
                views=("form", "list"),
            ),
            display=labels[fit.method],
            hint=fit.reason,
            tone="warning" if fit.method in ("baseline", "insufficient") else "",
        )
        check_tiles = [method_tile]
        for method, field in (
            ("model", "bgnbd"),
            ("pareto_nbd", "pareto_nbd"),
            ("baseline", "baseline"),
        ):
            if fit.holdout_table and method in fit.holdout_table[0]:
                check_tiles.append(
                    Overview._tile(
                        f"clv_mae_{method}",
                        self.env._(
                            "%(model)s: error per customer",
                            model=MODEL_NAMES.get(method)
                            or self.env._("Own past rate (baseline)"),
                        ),
                        fit[f"{field}_mae"],
                        display=f"{fit[f'{field}_mae']:.3f}",
                        hint=self.env._(
                            "%(predicted)s predicted, %(actual)s actual repeat "
                            "purchases",
                            predicted=f"{fit[f'{field}_purchases']:,.0f}",
                            actual=f"{fit.actual_purchases:,.0f}",
                        ),
                        tone="success" if method == fit.method else "",
                    )
                )
        sections = [
            {
                "key": "clv_check",
                "title": self.env._("Model check of %(date)s", date=fit.today),
                "tiles": check_tiles,
                "rows": [],
                "charts": [chart for chart in [fit._idic_holdout_chart()] if chart],
                "note": fit.holdout_message or "",
            },
            {
                "key": "clv_data",
                "title": self.env._("The data the models had"),
                "tiles": fit._idic_data_tiles(),
                "rows": [fit._idic_notice_tile()] if fit.missing else [],
            },
        ]
        if fit.method != "insufficient":
            domain = Overview._commercial_domain()
            charts = [fit._idic_lorenz_chart(), Fit._idic_churn_band_chart(domain)]
            sections.append(
                {
                    "key": "clv_spread",
                    "title": self.env._("Predicted value and churn risk"),
                    "tiles": [
                        Overview._tile(
                            "clv_gini",
                            self.env._("Gini coefficient of the predicted value"),
                            fit.gini,
                            display=f"{fit.gini:.2f}",
                            hint=self.env._(
                                "%(count)s customers with a predicted value",
                                count=fit.predicted_customers,
                            ),
                        )
                    ],
                    "rows": [],
                    "charts": [chart for chart in charts if chart],
                }
            )
        data["sections"] = sections
        data["history"] = history
        return data

    def action_open_customers(self):
        """The customers of the company with their predictions."""
        self.ensure_one()
        return self.env["idic.overview"]._action(
            "partner_idic.res_partner_action_idic_engagement",
            self.env._("Customers"),
            [
                *self.env["idic.overview"]._commercial_domain(),
                ("idic_clv_method", "!=", False),
            ],
        )
