# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Statistical models of predicted customer lifetime value (issue #14).

Plain Python, numpy and scipy; nothing here imports Odoo, so the functions can
be tested and benchmarked on their own.  Arrays in, arrays out: every data
argument may be a numpy array, a sequence or a scalar (taken as one customer).

Models
------
BG/NBD ("beta-geometric / negative binomial distribution"), for the number of
future purchases and the probability that a customer is still "alive":

    P. S. Fader, B. G. S. Hardie and K. L. Lee (2005), "Counting Your
    Customers the Easy Way: An Alternative to the Pareto/NBD Model",
    Marketing Science 24(2), 275-284; and the same authors' note
    "Implementing the BG/NBD Model for Customer Base Analysis in Excel"
    (2005), whose numerically stable log-likelihood :func:`bgnbd_fit` uses.

Gamma-Gamma, for the value of a customer's future transactions:

    P. S. Fader, B. G. S. Hardie and K. L. Lee (2005), "RFM and CLV: Using
    Iso-Value Curves for Customer Base Analysis", Journal of Marketing
    Research 42(4), 415-430; and P. S. Fader and B. G. S. Hardie's note
    "The Gamma-Gamma Model of Monetary Value" (2013).

Units and conventions
---------------------
For one customer, observed from the first purchase (time 0) to now:

* ``x``: the number of *repeat* purchases (all purchases but the first);
* ``t_x``: the time of the last purchase, measured from the first purchase
  (0 when ``x == 0``; ignored by the BG/NBD formulas in that case);
* ``T``: the customer's age, the time from the first purchase to now, so
  ``0 <= t_x <= T``;
* ``t``: a future horizon, from now;
* ``m``: the average value of the ``x`` repeat transactions.

``t_x``, ``T`` and ``t`` share one time unit, any unit (the papers use weeks);
the fitted ``alpha`` is in that unit and the BG/NBD rate ``r / alpha`` is
purchases per unit.  ``m`` and the Gamma-Gamma ``gamma`` are in one currency.

Parameters travel as plain tuples: ``(r, alpha, a, b)`` for BG/NBD and
``(p, q, gamma)`` for Gamma-Gamma.  The ``*_fit`` functions return them and
raise :class:`ConvergenceError` when the maximum-likelihood search did not
converge; the ``*_fit_result`` functions return a :class:`FitResult` that says
so instead of raising.
"""

import math
from collections import namedtuple

import numpy as np
from scipy import optimize, special

__all__ = [
    "ConvergenceError",
    "FitResult",
    "bgnbd_expected_purchases",
    "bgnbd_fit",
    "bgnbd_fit_result",
    "bgnbd_log_likelihood",
    "bgnbd_p_alive",
    "gamma_gamma_expected_spend",
    "gamma_gamma_fit",
    "gamma_gamma_fit_result",
    "gamma_gamma_log_likelihood",
    "p_alive_simple",
]

#: Fewest customers :func:`bgnbd_fit` accepts (one per parameter).
BGNBD_MIN_CUSTOMERS = 4
#: Fewest repeat customers (``x >= 1``) :func:`gamma_gamma_fit` accepts.
GAMMA_GAMMA_MIN_CUSTOMERS = 3

# The searches run on the logarithms of the parameters of data rescaled to
# unit mean (times by the mean age, values by the mean value, so that every
# parameter is of order 1 whatever the units), inside these bounds.  An
# estimate on a bound means that the likelihood keeps rising toward a limit
# (e.g. a, b -> infinity: the same dropout probability for everyone): the data
# cannot identify the model.
_LOG_BOUND = math.log(1e6)
# Largest absolute gradient of the mean negative log-likelihood (with respect
# to the log-parameters) still taken as a converged maximum.
_GRADIENT_TOLERANCE = 1e-5
# Largest standard error of a log-parameter (5: the parameter is known only
# to a factor of e^5 ~ 150) of a fit still taken as identified by the data.
_MAX_LOG_STD_ERROR = 5.0
# Half-width of the interval around a = 1 where eq. 10 is interpolated.
_A_NEAR_ONE = 1e-4

FitResult = namedtuple(
    "FitResult",
    [
        "params",
        "log_likelihood",
        "converged",
        "message",
        "n_customers",
        "n_evaluations",
        "std_errors",
    ],
)
FitResult.__doc__ = """Outcome of a maximum-likelihood fit.

``params``: the estimates, a tuple of floats; ``log_likelihood``: the total
log-likelihood at ``params``; ``converged``: True when the search ended on an
interior maximum that the data identify: vanishing gradient, negative definite
Hessian, no parameter on the search bounds, and no log-parameter with a
standard error above 5 (on few customers the likelihood often rises forever
along a ridge, e.g. a and b growing together); ``message``: what the search
said, in English, with the reason when not converged; ``n_customers``: the
number of customers used; ``n_evaluations``: likelihood evaluations spent;
``std_errors``: asymptotic standard errors of ``params`` (inverse observed
information, delta method), NaN without a strict maximum.
"""


class ConvergenceError(RuntimeError):
    """A maximum-likelihood fit did not converge; ``result`` is its FitResult."""

    def __init__(self, result):
        super().__init__(
            f"The maximum-likelihood fit did not converge: {result.message}"
        )
        self.result = result


# ---------------------------------------------------------------------------
# Input validation
# ---------------------------------------------------------------------------


def _as_vector(name, values):
    """``values`` as a 1-D float array, or ValueError."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must contain numbers only.") from error
    if array.ndim > 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}.")
    array = np.atleast_1d(array)
    if not np.all(np.isfinite(array)):
        raise ValueError(
            f"{name} must contain finite numbers only (no NaN or infinity)."
        )
    if np.any(array < 0):
        raise ValueError(f"{name} must not be negative.")
    return array


def _check_lengths(**arrays):
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name}: {length}" for name, length in lengths.items())
        raise ValueError(f"The input arrays must have equal lengths ({described}).")
    if not next(iter(lengths.values())):
        raise ValueError("The input arrays are empty: there is no customer.")


def _check_counts(x):
    if np.any(x != np.round(x)):
        raise ValueError("x (number of repeat purchases) must contain whole numbers.")


def _rfm(x, t_x, T):
    """Validated (x, t_x, T) arrays of one customer each."""
    x = _as_vector("x", x)
    t_x = _as_vector("t_x", t_x)
    T = _as_vector("T", T)
    _check_lengths(x=x, t_x=t_x, T=T)
    _check_counts(x)
    if np.any(t_x > T):
        raise ValueError(
            "t_x (time of the last purchase) must not exceed T (age of the customer)."
        )
    return x, t_x, T


def _params(name, params, count):
    try:
        values = tuple(float(value) for value in params)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{name} parameters must be a sequence of {count} numbers."
        ) from error
    if len(values) != count:
        raise ValueError(
            f"{name} parameters must be {count} numbers, got {len(values)}."
        )
    if not all(math.isfinite(value) and value > 0 for value in values):
        raise ValueError(
            f"{name} parameters must be positive finite numbers, got {values}."
        )
    return values


# ---------------------------------------------------------------------------
# Maximum likelihood on log-parameters
# ---------------------------------------------------------------------------


def _dot(a, b):
    """Inner product of two vectors, without BLAS.

    np.dot hands long vectors to the BLAS library, whose worker threads can
    cost milliseconds per call on a busy machine (measured with numpy 2.4 and
    OpenBLAS on 2 loaded cores: more than ten times slower than this).
    """
    return float(np.sum(np.multiply(a, b)))


def _maximise(objective, start, size, simplex=True, callback=None):
    """Minimise ``objective(theta) -> (value, gradient)`` over log-parameters.

    ``objective`` is the mean negative log-likelihood of ``size`` customers.
    Bounded truncated Newton (TNC) with the analytic gradient first,
    Nelder-Mead if that stops on a poor point, then a few Newton steps on a
    finite-difference Hessian of the analytic gradient to polish the
    estimate.  Returns (theta, value, converged, message, evaluations,
    standard errors of theta).
    """
    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * len(start)
    max_evaluations = 100 * len(start)
    evaluations = 0

    def counted(theta):
        nonlocal evaluations
        evaluations += 1
        value, gradient = objective(theta)
        if not np.isfinite(value) or not np.all(np.isfinite(gradient)):
            return np.inf, np.zeros_like(theta)
        return value, gradient

    # Truncated Newton (TNC) rather than L-BFGS-B: about as fast here, and
    # steady, whereas scipy 1.17's L-BFGS-B was measured spending up to 10 ms
    # per iteration (apparently in BLAS threads) on a busy 2-core machine.
    search = optimize.minimize(
        counted,
        np.asarray(start, dtype=float),
        jac=True,
        method="TNC",
        bounds=bounds,
        options={"maxfun": max_evaluations, "ftol": 1e-12, "gtol": 1e-9, "xtol": 1e-10},
        callback=callback,
    )
    theta, value = search.x, search.fun
    message = f"TNC: {search.message}"
    gradient = counted(theta)[1]
    on_bound = np.any(np.abs(theta) >= _LOG_BOUND - 1e-6)
    stuck = np.max(np.abs(gradient)) > 1e-3 and not on_bound
    if simplex and (
        not np.isfinite(value) or (stuck and evaluations < max_evaluations)
    ):
        # Rare: TNC stopped early on a poor interior point (or never found a
        # finite value).  A bounded Nelder-Mead run, at most 200 evaluations
        # per parameter, restarts from there.  Not after TNC used up its
        # evaluations: that is a likelihood rising along a ridge forever.
        simplex = optimize.minimize(
            lambda th: counted(th)[0],
            theta if np.isfinite(value) else np.asarray(start, dtype=float),
            method="Nelder-Mead",
            bounds=bounds,
            options={
                "maxfev": 200 * len(start),
                "xatol": 1e-10,
                "fatol": 1e-14,
            },
        )
        if simplex.fun < value or not np.isfinite(value):
            theta = np.clip(simplex.x, -_LOG_BOUND, _LOG_BOUND)
            value = counted(theta)[0]
            message += f"; Nelder-Mead: {simplex.message}"

    theta, value, gradient, hessian = _newton_polish(counted, theta, value)
    largest = float(np.max(np.abs(gradient)))
    on_bound = bool(np.any(np.abs(theta) >= _LOG_BOUND - 1e-6))
    curved = bool(np.all(np.isfinite(hessian)) and np.linalg.eigvalsh(hessian)[0] > 0)
    std_errors = np.full(len(theta), np.nan)
    if curved:
        std_errors = np.sqrt(np.diag(np.linalg.inv(hessian)) / size)
    identified = curved and bool(np.max(std_errors) <= _MAX_LOG_STD_ERROR)
    converged = bool(
        np.isfinite(value)
        and largest <= _GRADIENT_TOLERANCE
        and not on_bound
        and identified
    )
    if on_bound:
        message += "; a parameter reached its bound: the data cannot identify the model"
    else:
        message += f"; largest gradient after polishing {largest:.2g}"
        if largest > _GRADIENT_TOLERANCE:
            message += f" (above the tolerance {_GRADIENT_TOLERANCE:g})"
        if not curved:
            message += (
                "; the likelihood is flat or curved upward there (no strict "
                "maximum): the data cannot identify the model"
            )
        elif not identified:
            message += (
                f"; a parameter has a standard error of {np.max(std_errors):.3g} "
                "on the log scale (the likelihood is nearly flat along a ridge): "
                "the data cannot identify the model"
            )
    return theta, value, converged, message, evaluations, std_errors


def _hessian(counted, theta):
    """Symmetrised central-difference Hessian from the analytic gradient."""
    size = len(theta)
    hessian = np.empty((size, size))
    for i in range(size):
        delta = 1e-5
        shifted = theta.copy()
        shifted[i] += delta
        forward = counted(shifted)[1]
        shifted[i] -= 2 * delta
        backward = counted(shifted)[1]
        hessian[:, i] = (forward - backward) / (2 * delta)
    return (hessian + hessian.T) / 2


def _newton_polish(counted, theta, value, steps=4):
    """Safeguarded Newton steps; returns (theta, value, gradient, Hessian)."""
    gradient = counted(theta)[1]
    hessian = _hessian(counted, theta)
    for _step in range(steps):
        if not np.isfinite(value) or np.max(np.abs(gradient)) < 1e-10:
            break
        try:
            if np.min(np.linalg.eigvalsh(hessian)) <= 0:
                break
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            break
        candidate = np.clip(theta - step, -_LOG_BOUND, _LOG_BOUND)
        candidate_value, candidate_gradient = counted(candidate)
        if not candidate_value <= value + 1e-15 * abs(value):
            break
        theta, value, gradient = candidate, candidate_value, candidate_gradient
        hessian = _hessian(counted, theta)
    return theta, value, gradient, hessian


# ---------------------------------------------------------------------------
# BG/NBD
# ---------------------------------------------------------------------------


def _bgnbd_objective(x, t_x, T):
    """Mean negative log-likelihood and its gradient over log(r, alpha, a, b).

    The terms that depend on ``x`` alone (Hardie's A1 and A2: gamma and beta
    functions) are computed once per distinct ``x`` and weighted by their
    counts; customers without repeat purchases only contribute A3.
    """
    size = len(x)
    unique_x, counts = np.unique(x, return_counts=True)
    zero = x == 0
    T_zero = T[zero]
    repeat = ~zero
    x_rep, t_x_rep, T_rep = x[repeat], t_x[repeat], T[repeat]
    # ln(b + x - 1) for the repeat customers, from the distinct x >= 1.
    unique_rep, inverse_rep = np.unique(x_rep, return_inverse=True)

    def objective(theta):
        r, alpha, a, b = np.exp(theta)
        log_alpha = math.log(alpha)
        head = (
            special.gammaln(r + unique_x)
            - special.gammaln(r)
            + special.betaln(a, b + unique_x)
            - special.betaln(a, b)
        )
        # x == 0: ln L = A1 + A2 + A3 with A3 = -r ln(alpha + T).
        log_alpha_T_zero = np.log(alpha + T_zero)
        # x >= 1: ln L = A1 + A2 + A3 + ln(1 + exp(A4 - A3)).
        r_x = r + x_rep
        log_alpha_T = np.log(alpha + T_rep)
        log_alpha_t_x = np.log(alpha + t_x_rep)
        log_b_x = np.log(b + unique_rep - 1)[inverse_rep]
        a3 = -r_x * log_alpha_T
        difference = math.log(a) - log_b_x - r_x * log_alpha_t_x - a3
        log_likelihood = (
            _dot(counts, head)
            + size * r * log_alpha
            - r * np.sum(log_alpha_T_zero)
            + np.sum(a3)
            + np.sum(np.logaddexp(0.0, difference))
        )
        # Posterior weights of the two branches (alive, dropped out at t_x).
        w4 = special.expit(difference)
        w3 = 1.0 - w4
        digamma_a_b = special.digamma(a + b)
        digamma_a_b_x = special.digamma(a + b + unique_x)
        d_r = (
            _dot(counts, special.digamma(r + unique_x))
            - size * special.digamma(r)
            + size * log_alpha
            - np.sum(log_alpha_T_zero)
            - _dot(w3, log_alpha_T)
            - _dot(w4, log_alpha_t_x)
        )
        d_alpha = (
            size * r / alpha
            - r * np.sum(1.0 / (alpha + T_zero))
            - _dot(w3 * r_x, 1.0 / (alpha + T_rep))
            - _dot(w4 * r_x, 1.0 / (alpha + t_x_rep))
        )
        d_a = _dot(counts, digamma_a_b - digamma_a_b_x) + np.sum(w4) / a
        d_b = _dot(
            counts,
            digamma_a_b
            + special.digamma(b + unique_x)
            - special.digamma(b)
            - digamma_a_b_x,
        ) - _dot(w4, np.exp(-log_b_x))
        gradient = np.array([r * d_r, alpha * d_alpha, a * d_a, b * d_b])
        return -log_likelihood / size, -gradient / size

    return objective


def bgnbd_log_likelihood(params, x, t_x, T):
    """Each customer's BG/NBD log-likelihood ln L(r, alpha, a, b | x, t_x, T).

    The stable form of the Excel note: ln L = A1 + A2 + ln(exp(A3) + [x > 0]
    exp(A4)) with A1 = gammaln(r + x) - gammaln(r) + r ln(alpha),
    A2 = betaln(a, b + x) - betaln(a, b), A3 = -(r + x) ln(alpha + T) and
    A4 = ln(a) - ln(b + x - 1) - (r + x) ln(alpha + t_x).  Returns an array,
    one value per customer.
    """
    r, alpha, a, b = _params("BG/NBD", params, 4)
    x, t_x, T = _rfm(x, t_x, T)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * math.log(alpha)
    a2 = special.betaln(a, b + x) - special.betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    a4 = np.full_like(a3, -np.inf)
    a4[repeat] = (
        math.log(a)
        - np.log(b + x[repeat] - 1)
        - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    )
    return a1 + a2 + np.logaddexp(a3, a4)


def bgnbd_fit_result(x, t_x, T):
    """Maximum-likelihood BG/NBD fit, as a :class:`FitResult`.

    ``x``: repeat purchases, ``t_x``: time of the last purchase, ``T``: age,
    one value per customer (see the module docstring for units).  The search
    runs on log-parameters from r = 1, alpha = mean(T), a = 1, b = 1, with the
    times divided by mean(T) (the likelihood changes by a constant).  Raises
    ValueError on invalid input, fewer than BGNBD_MIN_CUSTOMERS customers or
    no repeat purchase at all.
    """
    x, t_x, T = _rfm(x, t_x, T)
    if len(x) < BGNBD_MIN_CUSTOMERS:
        raise ValueError(
            f"Fitting the BG/NBD model needs at least {BGNBD_MIN_CUSTOMERS} customers, "
            f"got {len(x)}."
        )
    if not np.any(x > 0):
        raise ValueError(
            "Fitting the BG/NBD model needs at least one customer with a repeat purchase."
        )
    scale = float(np.mean(T)) or 1.0
    theta, _value, converged, message, evaluations, errors = _maximise(
        _bgnbd_objective(x, t_x / scale, T / scale), np.zeros(4), len(x)
    )
    params = np.exp(theta) * [1.0, scale, 1.0, 1.0]
    value = _bgnbd_objective(x, t_x, T)(np.log(params))[0]
    return FitResult(
        params=tuple(float(v) for v in params),
        log_likelihood=float(-value * len(x)),
        converged=converged,
        message=message,
        n_customers=len(x),
        n_evaluations=evaluations,
        std_errors=tuple(float(v) for v in params * errors),
    )


def bgnbd_fit(x, t_x, T):
    """Maximum-likelihood BG/NBD parameters ``(r, alpha, a, b)``.

    See :func:`bgnbd_fit_result`; raises ConvergenceError when the search
    did not converge.
    """
    result = bgnbd_fit_result(x, t_x, T)
    if not result.converged:
        raise ConvergenceError(result)
    return result.params


def _bgnbd_log_odds_dead(params, x, t_x, T):
    """ln of [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x).

    -inf where x == 0.  P(alive) = 1 / (1 + exp(this)).
    """
    r, alpha, a, b = params
    repeat = x > 0
    log_odds = np.full(x.shape, -np.inf)
    xr = x[repeat]
    log_odds[repeat] = (
        math.log(a)
        - np.log(b + xr - 1)
        + (r + xr) * (np.log(alpha + T[repeat]) - np.log(alpha + t_x[repeat]))
    )
    return log_odds


def bgnbd_p_alive(params, x, t_x, T):
    """P(alive | x, t_x, T) of the BG/NBD model (Fader, Hardie & Lee 2005).

    1 / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x)),
    evaluated in log space; exactly 1 where x == 0 (in BG/NBD a customer can
    drop out only right after a repeat purchase).  Returns an array.
    """
    params = _params("BG/NBD", params, 4)
    x, t_x, T = _rfm(x, t_x, T)
    return special.expit(-_bgnbd_log_odds_dead(params, x, t_x, T))


def _hyp2f1_series(a, b, c, z, max_terms=200_000):
    """Gauss 2F1(a, b; c; z) by its power series, for 1-D arrays, 0 <= z < 1.

    Vectorised term recurrence; used where scipy.special.hyp2f1 fails.  NaN
    where the series has not converged after ``max_terms`` terms.
    """
    total = np.ones(z.shape)
    term = np.ones(z.shape)
    active = np.arange(len(z))
    for k in range(max_terms):
        if not len(active):
            break
        aa, bb, cc = a[active], b[active], c[active]
        term[active] *= (aa + k) * (bb + k) / ((cc + k) * (k + 1)) * z[active]
        total[active] += term[active]
        # Past k > |a| + |b| the terms shrink geometrically (ratio -> z).
        small = np.abs(term[active]) <= 1e-17 * np.abs(total[active])
        active = active[~(small & (k > np.abs(aa) + np.abs(bb)))]
    total[active] = np.nan
    return total


def _hyp2f1(a, b, c, z):
    """scipy.special.hyp2f1 with the power series where it is not finite."""
    value = np.asarray(special.hyp2f1(a, b, c, z), dtype=float)
    bad = ~np.isfinite(value)
    if np.any(bad):
        a, b, c, z = np.broadcast_arrays(a, b, c, z)
        value = value.copy()
        value[bad] = _hyp2f1_series(a[bad], b[bad], c[bad], z[bad])
    return value


def _bgnbd_growth(r, alpha, a, b, t, x, T):
    """(a + b + x - 1) / (a - 1) [1 - ((alpha + T) / (alpha + T + t))^(r + x) F],

    F = 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t)): the expected
    number of purchases in (T, T + t] of a customer known to be alive at T
    (the numerator of the paper's eq. 10).

    Directly as in the paper where that is safe.  Elsewhere through Euler's
    transformation 2F1(A, B; C; z) = (1 - z)^(C - A - B) 2F1(C - A, C - B; C; z),
    which turns the bracket into 1 - (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1;
    a + b + x - 1; z): the factors that overflow and underflow for large
    r + x cancel analytically, and the remaining series has small numerator
    parameters, so it converges fast.  "Elsewhere" is where the direct value
    is not finite, where the power underflows (below ~1e-300, subnormal) and
    where the bracket is below 1e-2, which the subtraction would compute with
    a loss of more than two digits (a short horizon t for a large x).
    """
    log_one_minus_z = np.log(alpha + T) - np.log(alpha + T + t)
    z = t / (alpha + T + t)
    c = a + b + x - 1
    log_power = (r + x) * log_one_minus_z
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        bracket = 1.0 - np.exp(log_power) * special.hyp2f1(r + x, b + x, c, z)
    bad = ~np.isfinite(bracket) | (log_power < -690.0) | (np.abs(bracket) < 1e-2)
    if np.any(bad):
        euler = _hyp2f1(a + b - 1 - r, a - 1, c[bad], z[bad])
        bracket[bad] = -np.expm1((a - 1) * log_one_minus_z[bad] + np.log(euler))
    return c / (a - 1) * bracket


def bgnbd_expected_purchases(params, t, x, t_x, T):
    """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` time units.

    Fader, Hardie & Lee (2005), eq. 10:

        (a + b + x - 1) / (a - 1)
        * [1 - ((alpha + T) / (alpha + T + t))^(r + x)
               2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t))]
        / (1 + [x > 0] a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x))

    ``t`` is a scalar or one value per customer, in the unit of ``t_x`` and
    ``T``.  Numerically safe for large x and T (see ``_bgnbd_growth``); for
    ``a`` within 1e-4 of 1, where the first factor is 0/0, the value is
    interpolated between a = 1 -/+ 1e-4.  Returns an array.
    """
    r, alpha, a, b = _params("BG/NBD", params, 4)
    x, t_x, T = _rfm(x, t_x, T)
    t = _as_vector("t", t)
    if len(t) == 1:
        t = np.full(x.shape, t[0])
    _check_lengths(t=t, x=x)
    p_alive = special.expit(-_bgnbd_log_odds_dead((r, alpha, a, b), x, t_x, T))
    growth = _bgnbd_growth_any_a(r, alpha, a, b, t, x, T)
    return np.where(t > 0, growth * p_alive, 0.0)


def bgnbd_expected_purchases_path(params, times, x, t_x, T):
    """E[Y(t) | x, t_x, T] at each horizon ``t`` of ``times``: an iterator
    of arrays, one per horizon, each one value per customer.

    The values of :func:`bgnbd_expected_purchases` at each horizon, for less
    work when there are many horizons and customers: P(alive) is computed
    once, and the growth factor (the bracket of eq. 10), which depends on
    ``x`` and ``T`` only, once per horizon and distinct (x, T) pair.
    Customers share few pairs: invoices are dated by the day, so half a
    million customers of three years of invoices have about 13,000.
    """
    r, alpha, a, b = _params("BG/NBD", params, 4)
    x, t_x, T = _rfm(x, t_x, T)
    times = _as_vector("t", times)
    p_alive = special.expit(-_bgnbd_log_odds_dead((r, alpha, a, b), x, t_x, T))
    # The distinct pairs as complex numbers x + iT (exact, and five times
    # faster to sort than the rows of a two-column array).
    pairs, inverse = np.unique(x + 1j * T, return_inverse=True)
    inverse = inverse.reshape(-1)
    pair_x, pair_T = pairs.real, pairs.imag

    def at(t):
        if t <= 0:
            return np.zeros(x.shape)
        horizon = np.full(pair_x.shape, t)
        growth = _bgnbd_growth_any_a(r, alpha, a, b, horizon, pair_x, pair_T)
        return growth[inverse] * p_alive

    # The arguments are checked now; the values come one horizon at a time.
    return (at(t) for t in times)


def _bgnbd_growth_any_a(r, alpha, a, b, t, x, T):
    """:func:`_bgnbd_growth`, also for ``a`` within _A_NEAR_ONE of 1."""
    if abs(a - 1) < _A_NEAR_ONE:
        # The first factor is 0/0 at a = 1: interpolate linearly between
        # a = 1 -/+ _A_NEAR_ONE, where it is still accurate to ~1e-12.
        below = _bgnbd_growth(r, alpha, 1 - _A_NEAR_ONE, b, t, x, T)
        above = _bgnbd_growth(r, alpha, 1 + _A_NEAR_ONE, b, t, x, T)
        weight = (a - 1 + _A_NEAR_ONE) / (2 * _A_NEAR_ONE)
        return below + weight * (above - below)
    return _bgnbd_growth(r, alpha, a, b, t, x, T)


# ---------------------------------------------------------------------------
# Gamma-Gamma
# ---------------------------------------------------------------------------


def _spend_data(x, m):
    x = _as_vector("x", x)
    m = _as_vector("m", m)
    _check_lengths(x=x, m=m)
    _check_counts(x)
    return x, m


def _gamma_gamma_objective(x, m):
    """Mean negative log-likelihood and gradient over log(p, q, gamma).

    For repeat customers only (x >= 1, m > 0).  The gamma-function terms
    depend on x alone and are computed once per distinct x.
    """
    size = len(x)
    unique_x, counts = np.unique(x, return_counts=True)
    total = x * m
    log_total = np.log(total)
    constant = np.sum(np.log(x) - log_total)
    x_log_total = _dot(x, log_total)

    def objective(theta):
        p, q, gamma = np.exp(theta)
        log_gamma = math.log(gamma)
        pxu = p * unique_x
        log_gamma_total = np.log(gamma + total)
        x_log_gamma_total = _dot(x, log_gamma_total)
        log_likelihood = (
            -_dot(counts, special.betaln(pxu, q))
            + size * q * log_gamma
            + p * x_log_total
            + constant
            - p * x_log_gamma_total
            - q * np.sum(log_gamma_total)
        )
        digamma_pxq = special.digamma(pxu + q)
        d_p = (
            _dot(counts * unique_x, digamma_pxq - special.digamma(pxu))
            + x_log_total
            - x_log_gamma_total
        )
        d_q = (
            _dot(counts, digamma_pxq)
            - size * special.digamma(q)
            + size * log_gamma
            - np.sum(log_gamma_total)
        )
        d_gamma = size * q / gamma - np.sum((p * x + q) / (gamma + total))
        gradient = np.array([p * d_p, q * d_q, gamma * d_gamma])
        return -log_likelihood / size, -gradient / size

    return objective


def gamma_gamma_log_likelihood(params, x, m):
    """Each customer's Gamma-Gamma log-likelihood of the average value ``m``.

    Fader and Hardie's note: with z = x m,
    ln f = gammaln(p x + q) - gammaln(p x) - gammaln(q) + q ln(gamma)
           + (p x - 1) ln(z) + ln(x) - (p x + q) ln(gamma + z).
    Customers with x == 0 tell nothing about spend and contribute 0.
    Returns an array, one value per customer.
    """
    p, q, gamma = _params("Gamma-Gamma", params, 3)
    x, m = _spend_data(x, m)
    result = np.zeros(x.shape)
    repeat = x > 0
    xr, mr = x[repeat], m[repeat]
    if np.any(mr <= 0):
        raise ValueError("m (average transaction value) must be positive where x >= 1.")
    total = xr * mr
    result[repeat] = (
        -special.betaln(p * xr, q)
        + q * math.log(gamma)
        + (p * xr - 1) * np.log(total)
        + np.log(xr)
        - (p * xr + q) * np.log(gamma + total)
    )
    return result


def gamma_gamma_fit_result(x, m):
    """Maximum-likelihood Gamma-Gamma fit, as a :class:`FitResult`.

    Only customers with x >= 1 are used (their ``m`` must be positive); the
    others are ignored.  Starts from p = 1, q = 2, gamma = mean(m), with the
    values divided by mean(m) (the likelihood changes by a constant).  Raises
    ValueError on invalid input or fewer than GAMMA_GAMMA_MIN_CUSTOMERS
    repeat customers.
    """
    x, m = _spend_data(x, m)
    repeat = x > 0
    x, m = x[repeat], m[repeat]
    if len(x) < GAMMA_GAMMA_MIN_CUSTOMERS:
        raise ValueError(
            "Fitting the Gamma-Gamma model needs at least "
            f"{GAMMA_GAMMA_MIN_CUSTOMERS} customers with x >= 1, got {len(x)}."
        )
    if np.any(m <= 0):
        raise ValueError("m (average transaction value) must be positive where x >= 1.")
    if np.ptp(m) <= 1e-12 * np.max(m):
        raise ValueError(
            "m (average transaction value) is the same for every customer: "
            "the Gamma-Gamma model has no variation to fit (that value is the "
            "expected spend)."
        )
    scale = float(np.mean(m))
    theta, _value, converged, message, evaluations, errors = _maximise(
        _gamma_gamma_objective(x, m / scale), np.log([1.0, 2.0, 1.0]), len(x)
    )
    params = np.exp(theta) * [1.0, 1.0, scale]
    value = _gamma_gamma_objective(x, m)(np.log(params))[0]
    return FitResult(
        params=tuple(float(v) for v in params),
        log_likelihood=float(-value * len(x)),
        converged=converged,
        message=message,
        n_customers=len(x),
        n_evaluations=evaluations,
        std_errors=tuple(float(v) for v in params * errors),
    )


def gamma_gamma_fit(x, m):
    """Maximum-likelihood Gamma-Gamma parameters ``(p, q, gamma)``.

    See :func:`gamma_gamma_fit_result`; raises ConvergenceError when the
    search did not converge.
    """
    result = gamma_gamma_fit_result(x, m)
    if not result.converged:
        raise ConvergenceError(result)
    return result.params


def gamma_gamma_expected_spend(params, x, m):
    """E[M | p, q, gamma, m_x, x] = p (gamma + m_x x) / (p x + q - 1).

    The conditional expected value of a customer's future transactions; for
    x == 0 it is the population mean p gamma / (q - 1), whatever ``m``.
    Needs q > 1 (otherwise the mean value is infinite): ValueError.
    Returns an array.
    """
    p, q, gamma = _params("Gamma-Gamma", params, 3)
    if q <= 1:
        raise ValueError(f"The expected spend needs q > 1, got q = {q}.")
    x, m = _spend_data(x, m)
    total = np.where(x > 0, x * m, 0.0)
    return p * (gamma + total) / (p * x + q - 1)


# ---------------------------------------------------------------------------
# Model-free fallback
# ---------------------------------------------------------------------------


def p_alive_simple(x, t_x, T, zero_rate=None):
    """Chance of no purchase for so long at the customer's usual rate.

    For companies with too few repeat customers to fit BG/NBD.  A customer
    with x >= 1 repeat purchases in t_x time units buys at the Poisson rate
    lambda = x / t_x, and the chance of seeing no purchase in the T - t_x
    units since the last one is exp(-lambda (T - t_x)).

    x == 0 (no usual rate yet): ``zero_rate`` (purchases per time unit, e.g.
    the company's total repeat purchases over its customers' total exposure)
    gives exp(-zero_rate T); without it the value is 1, as in BG/NBD, where a
    customer can drop out only right after a repeat purchase.

    x >= 1 with t_x == 0 (repeat purchases on the day of the first one, in
    whole-day data) is the limit of an infinite rate: 1 when T == t_x,
    else 0.  Returns an array.
    """
    x, t_x, T = _rfm(x, t_x, T)
    silence = T - t_x
    result = np.ones(x.shape)
    regular = (x > 0) & (t_x > 0)
    result[regular] = np.exp(-x[regular] / t_x[regular] * silence[regular])
    instant = (x > 0) & (t_x == 0)
    result[instant] = np.where(silence[instant] > 0, 0.0, 1.0)
    if zero_rate is not None:
        zero_rate = float(zero_rate)
        if not math.isfinite(zero_rate) or zero_rate < 0:
            raise ValueError("zero_rate must be a non-negative finite number.")
        first = x == 0
        result[first] = np.exp(-zero_rate * T[first])
    return result


def bgnbd_simulate(params, size, rng, max_age):
    """Simulate ``size`` BG/NBD customers: (x, t_x, T) with T ~ U(1, max_age).

    Each customer's purchase rate is drawn from Gamma(r, alpha) and its
    dropout probability from Beta(a, b); purchases follow a Poisson process and
    after each one the customer drops out with that probability (the model's
    own story).  ``rng`` is a numpy Generator.  For tests and benchmarks.
    """
    r, alpha, a, b = params
    rate = rng.gamma(r, 1.0 / alpha, size)
    dropout = rng.beta(a, b, size)
    T = rng.uniform(1.0, max_age, size)
    x = np.zeros(size)
    t_x = np.zeros(size)
    now = np.zeros(size)
    active = np.arange(size)
    while len(active):
        now[active] += rng.exponential(1.0, len(active)) / rate[active]
        buying = active[now[active] <= T[active]]
        x[buying] += 1
        t_x[buying] = now[buying]
        active = buying[rng.random(len(buying)) >= dropout[buying]]
    return x, t_x, T


# ---------------------------------------------------------------------------
# Pareto/NBD (issue #28)
# ---------------------------------------------------------------------------
#
# P. S. Fader and B. G. S. Hardie (2005), "A Note on Deriving the Pareto/NBD
# Model and Related Expressions"; D. C. Schmittlein, D. G. Morrison and R.
# Colombo (1987), "Counting Your Customers: Who Are They and What Will They
# Do Next?", Management Science 33(1).  Purchases at a Poisson rate lambda ~
# Gamma(r, alpha) while alive, an exponential lifetime of rate mu ~ Gamma(s,
# beta): unlike BG/NBD, a customer can drop out before buying again, so a
# one-time buyer's probability of being active is below 1.  Parameters
# ``(r, alpha, s, beta)``; alpha and beta are in the time unit of the data.
#
# The likelihood of a customer is, with C = Gamma(r + x) alpha^r beta^s /
# Gamma(r):
#
#     L = C [(alpha + T)^-(r + x) (beta + T)^-s                 (alive at T)
#            + s integral_{t_x}^{T} (alpha + tau)^-(r + x)
#                                   (beta + tau)^-(s + 1) dtau]  (died since)
#
# and the note writes the integral with 2F1(r + s + x, s + 1; r + s + x + 1;
# z) / (alpha + y)^(r + s + x) terms that overflow and underflow for large x
# and T.  Euler's transformation turns each into J(y) = (alpha + y)^-(r + x)
# (beta + y)^-s 2F1(1, r + x; r + s + x + 1; z) / (r + s + x) with z = (alpha
# - beta) / (alpha + y) (alpha >= beta; the mirror image with beta, s + 1 and
# r + x - 1 otherwise), so that the integral is J(t_x) - J(T): the powers
# are taken as logarithms, and the remaining series has a first parameter of
# 1, positive terms and a term ratio below z < 1 whatever x and T are.

PARETO_NBD_MIN_CUSTOMERS = 4
# Terms of the 2F1(1, b; c; z) series before giving up.
_UNIT_SERIES_MAX_TERMS = 20_000
# Beyond this z the series is slow (ratio of terms near z): the connection
# formula to 1 - z instead, within this distance of an integer interpolated.
_UNIT_SERIES_MAX_Z = 0.9
_D_NEAR_INTEGER = 1e-5
# The connection formula's series in 1 - z cancels when b (1 - z) is large.
_CONNECTION_MAX_BW = 0.3


def _hyp2f1_unit_series(b, c, z):
    """2F1(1, b; c; z) and its partial derivatives, by the power series.

    For 1-D arrays with c > b > 0 and 0 <= z < 1: every term is positive and
    the ratio of consecutive terms, (b + k) / (c + k) z, is below z, so the
    sum converges geometrically and without cancellation.  Returns (G,
    dG/db, dG/dc, dG/dz), NaN where the series had not converged after
    _UNIT_SERIES_MAX_TERMS terms.
    """
    size = len(z)
    out = [np.full(size, np.nan) for _ in range(4)]
    index = np.arange(size)
    b, c, z = (np.array(v, dtype=float) for v in (b, c, z))
    term = np.ones(size)
    total = np.ones(size)
    harmonic_b = np.zeros(size)
    harmonic_c = np.zeros(size)
    d_b = np.zeros(size)
    d_c = np.zeros(size)
    d_z = np.zeros(size)
    for k in range(_UNIT_SERIES_MAX_TERMS):
        ratio = (b + k) / (c + k)
        # d t_(k+1) / dz = (k + 1) t_k ratio; d ln t_(k+1) / db = sum 1/(b + j).
        d_z += (k + 1) * term * ratio
        harmonic_b += 1.0 / (b + k)
        harmonic_c += 1.0 / (c + k)
        term *= ratio * z
        total += term
        d_b += term * harmonic_b
        d_c -= term * harmonic_c
        if k > 3 and k % 4:
            continue
        # The rest of the sum (and of its derivatives) is below this bound.
        done = np.abs(term) * (k + 2) <= 1e-17 * np.abs(total) * (1.0 - z) ** 2
        if not np.any(done):
            continue
        for array, value in zip(out, (total, d_b, d_c, d_z), strict=True):
            array[index[done]] = value[done]
        keep = ~done
        index = index[keep]
        if not len(index):
            break
        b, c, z, term, total = b[keep], c[keep], z[keep], term[keep], total[keep]
        harmonic_b, harmonic_c = harmonic_b[keep], harmonic_c[keep]
        d_b, d_c, d_z = d_b[keep], d_c[keep], d_z[keep]
    return tuple(out)


def _hyp2f1_unit_near_one(b, c, z):
    """2F1(1, b; c; z) and its partial derivatives for z near 1, through the
    connection formula to 1 - z (DLMF 15.8.4) with a = 1, d = c - 1 - b and
    w = 1 - z:

        G = (c - 1) / d H + Gamma(c) Gamma(-d) / Gamma(b) w^d z^(1 - c),
        H = 2F1(1, b; 1 - d; w),

    H summed by the series, which converges fast for small w.  Where d is
    within 1e-4 of an integer the two terms have poles that cancel: the
    values there are interpolated between d -/+ 1e-5 (shifting c).
    """
    near = np.abs(c - 1.0 - b - np.round(c - 1.0 - b)) < _D_NEAR_INTEGER
    if not np.any(near):
        return _connection_to_one_minus_z(b, c, z)
    out = [np.empty(len(z)) for _ in range(4)]
    far = ~near
    if np.any(far):
        for array, value in zip(
            out, _connection_to_one_minus_z(b[far], c[far], z[far]), strict=True
        ):
            array[far] = value
    bn, cn, zn = b[near], c[near], z[near]
    shift = np.round(cn - 1.0 - bn) + 1.0 + bn - cn  # to the integer
    below = _connection_to_one_minus_z(bn, cn + shift - _D_NEAR_INTEGER, zn)
    above = _connection_to_one_minus_z(bn, cn + shift + _D_NEAR_INTEGER, zn)
    weight = (_D_NEAR_INTEGER - shift) / (2 * _D_NEAR_INTEGER)
    for array, low, high in zip(out, below, above, strict=True):
        array[near] = low + weight * (high - low)
    return tuple(out)


def _connection_to_one_minus_z(b, c, z):
    """The terms of :func:`_hyp2f1_unit_near_one` (d not an integer)."""
    d = c - 1.0 - b
    w = 1.0 - z
    series, h_b, h_c, h_w = _hyp2f1_unit_series(b, 1.0 - d, w)
    first = (c - 1.0) / d * series
    sign = np.sign(special.gamma(-d))
    log_second = (
        special.gammaln(c)
        + special.gammaln(-d)
        - special.gammaln(b)
        + d * np.log(w)
        + (1.0 - c) * np.log(z)
    )
    second = sign * np.exp(log_second)
    value = first + second
    # c' = 1 - d = b + 2 - c: dc'/db = 1, dc'/dc = -1; dd/db = -1, dd/dc = 1.
    d_b = (
        (c - 1.0) / d**2 * series
        + (c - 1.0) / d * (h_b + h_c)
        + second * (special.digamma(-d) - special.digamma(b) - np.log(w))
    )
    d_c = (
        series / d
        - (c - 1.0) / d**2 * series
        - (c - 1.0) / d * h_c
        + second * (special.digamma(c) - special.digamma(-d) + np.log(w) - np.log(z))
    )
    d_z = -((c - 1.0) / d * h_w + second * (d / w + (c - 1.0) / z))
    return value, d_b, d_c, d_z


def _hyp2f1_scipy(b, c, z):
    """scipy's 2F1(1, b; c; z), accurate (to ~1e-13) near z = 1 but where
    c - 1 - b is an integer, a pole of the connection formula it uses there
    (it returns inf): there, the mean of its values at c -/+ 1e-7 (a central
    difference: off by ~1e-14)."""
    value = np.asarray(special.hyp2f1(1.0, b, c, z), dtype=float)
    bad = ~np.isfinite(value)
    if np.any(bad):
        b, c, z = b[bad], c[bad], z[bad]
        value = value.copy()
        value[bad] = 0.5 * (
            special.hyp2f1(1.0, b, c - 1e-7, z) + special.hyp2f1(1.0, b, c + 1e-7, z)
        )
    return value


def _hyp2f1_unit_scipy(b, c, z):
    """2F1(1, b; c; z) by scipy with dG/dz = b / c 2F1(2, b + 1; c + 1; z)
    and central differences in b and c (where neither the series nor the
    connection formula is quick: z near 1 with a large b)."""
    step_b = 1e-6 * np.maximum(b, 1.0)
    step_c = 1e-6 * np.maximum(c, 1.0)
    value = _hyp2f1_scipy(b, c, z)
    d_b = (_hyp2f1_scipy(b + step_b, c, z) - _hyp2f1_scipy(b - step_b, c, z)) / (
        2 * step_b
    )
    d_c = (_hyp2f1_scipy(b, c + step_c, z) - _hyp2f1_scipy(b, c - step_c, z)) / (
        2 * step_c
    )
    with np.errstate(over="ignore", invalid="ignore"):
        d_z = b / c * np.asarray(special.hyp2f1(2.0, b + 1.0, c + 1.0, z), dtype=float)
    bad = ~np.isfinite(d_z)
    if np.any(bad):
        step = 1e-7 * (1.0 - z[bad])
        d_z[bad] = (
            _hyp2f1_scipy(b[bad], c[bad], z[bad] + step)
            - _hyp2f1_scipy(b[bad], c[bad], z[bad] - step)
        ) / (2 * step)
    return value, d_b, d_c, d_z


def _hyp2f1_unit(b, c, z):
    """2F1(1, b; c; z) and its partial derivatives (G, dG/db, dG/dc,
    dG/dz), for 1-D arrays with c > b > 0 and 0 <= z < 1.

    By the power series (:func:`_hyp2f1_unit_series`) up to z = 0.9, where
    it needs at most a few hundred terms.  Beyond (alpha and beta far apart,
    the likelihood's search on its way to a ridge) the series would need
    thousands: through the connection formula to 1 - z
    (:func:`_hyp2f1_unit_near_one`) where b (1 - z) is small, else by scipy,
    which is quick there.  Customers share few (x, time) pairs, so the caller
    evaluates it once per distinct pair.
    """
    b, c, z = (np.asarray(v, dtype=float) for v in (b, c, z))
    valid = np.isfinite(b) & np.isfinite(c) & np.isfinite(z)
    near = valid & (z > _UNIT_SERIES_MAX_Z)
    series = valid & ~near
    if np.all(series):
        return _hyp2f1_unit_series(b, c, z)
    connection = near & (b * (1.0 - z) <= _CONNECTION_MAX_BW)
    parts = (
        (series, _hyp2f1_unit_series),
        (connection, _hyp2f1_unit_near_one),
        (near & ~connection, _hyp2f1_unit_scipy),
    )
    out = [np.full(len(z), np.nan) for _ in range(4)]
    for part, function in parts:
        if np.any(part):
            for array, value in zip(
                out, function(b[part], c[part], z[part]), strict=True
            ):
                array[part] = value
    return tuple(out)


def _pareto_nbd_log_tail(params, x, y, gradient=False):
    """ln J(y), J(y) = integral_y^inf (alpha + tau)^-(r + x) (beta + tau)^-(s + 1) dtau,
    for 1-D arrays ``x``, ``y`` (see the section's comment); with
    ``gradient``, also its gradient over (r, alpha, s, beta), shape (4, n).
    """
    r, alpha, s, beta = params
    rsx = r + s + x
    c = rsx + 1.0
    log_alpha_y = np.log(alpha + y)
    log_beta_y = np.log(beta + y)
    if alpha >= beta:
        # (alpha + y)^-(r + x) (beta + y)^-s 2F1(1, r + x; c; z) / (r + s + x)
        b = r + x
        z = (alpha - beta) / (alpha + y)
        power = -(r + x) * log_alpha_y - s * log_beta_y
    else:
        # (beta + y)^-(s + 1) (alpha + y)^-(r + x - 1) 2F1(1, s + 1; c; z) / (r + s + x)
        b = np.full(x.shape, s + 1.0)
        z = (beta - alpha) / (beta + y)
        power = -(s + 1.0) * log_beta_y - (r + x - 1.0) * log_alpha_y
    series, d_b, d_c, d_z = _hyp2f1_unit(b, c, z)
    bad = ~np.isfinite(series)
    if np.any(bad) and not gradient:
        series[bad] = _hyp2f1(1.0, b[bad], c[bad], z[bad])
    value = power + np.log(series) - np.log(rsx)
    if not gradient:
        return value
    d_b, d_c, d_z = d_b / series, d_c / series, d_z / series
    grad = np.empty((4, len(x)))
    if alpha >= beta:
        grad[0] = -log_alpha_y + d_b + d_c
        grad[1] = -(r + x) / (alpha + y) + d_z * (beta + y) / (alpha + y) ** 2
        grad[2] = -log_beta_y + d_c
        grad[3] = -s / (beta + y) - d_z / (alpha + y)
    else:
        grad[0] = -log_alpha_y + d_c
        grad[1] = -(r + x - 1.0) / (alpha + y) - d_z / (beta + y)
        grad[2] = -log_beta_y + d_b + d_c
        grad[3] = -(s + 1.0) / (beta + y) + d_z * (alpha + y) / (beta + y) ** 2
    grad[0] -= 1.0 / rsx
    grad[2] -= 1.0 / rsx
    return value, grad


class _ParetoNbdData:
    """The customers' (x, t_x, T) with their distinct (x, time) pairs: the
    series of ln J is summed once per pair, for t_x and for T.  With
    ``distinct``, the customers are also taken once per distinct (x, t_x, T)
    with their count in ``weight`` (for the likelihood's search: invoices
    are dated by the day, and a one-time buyer's (0, 0, T) has few values),
    else ``weight`` is None and the arrays are the customers'."""

    def __init__(self, x, t_x, T, distinct=False):
        self.unique_x, self.counts = np.unique(x, return_counts=True)
        self.weight = None
        if distinct:
            rows, self.weight = np.unique(
                np.column_stack([x, t_x, T]), axis=0, return_counts=True
            )
            x, t_x, T = rows[:, 0].copy(), rows[:, 1].copy(), rows[:, 2].copy()
        self.x, self.t_x, self.T = x, t_x, T
        size = len(x)
        pairs, inverse = np.unique(
            np.concatenate([x + 1j * t_x, x + 1j * T]), return_inverse=True
        )
        inverse = inverse.reshape(-1)
        self.pair_x, self.pair_y = pairs.real.copy(), pairs.imag.copy()
        self.at_t_x, self.at_T = inverse[:size], inverse[size:]
        # Customers who bought at T (or were born at T) cannot have died since.
        self.gap = t_x < T

    def branches(self, params, gradient=False):
        """(ln C, ln alive, ln died) per customer, the last -inf without a
        gap; with ``gradient``, also the tails' values and gradients."""
        r, alpha, s, beta = params
        x, T = self.x, self.T
        tails = _pareto_nbd_log_tail(params, self.pair_x, self.pair_y, gradient)
        log_tail = tails[0] if gradient else tails
        at_t_x, at_T = log_tail[self.at_t_x], log_tail[self.at_T]
        alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        # ln(J(t_x) - J(T)), the difference taken without cancellation.
        delta = np.where(self.gap, at_T - at_t_x, -1.0)
        died = np.where(
            self.gap, math.log(s) + at_t_x + np.log1p(-np.exp(delta)), -np.inf
        )
        if not gradient:
            return alive, died
        return alive, died, delta, tails[1]


def _pareto_nbd_objective(x, t_x, T):
    """Mean negative log-likelihood and its gradient over log(r, alpha, s, beta),
    summed once per distinct customer history with its count."""
    size = len(x)
    data = _ParetoNbdData(x, t_x, T, distinct=True)
    unique_x, counts, weight = data.unique_x, data.counts, data.weight
    x, T = data.x, data.T
    pairs = len(data.pair_x)

    def objective(theta):
        r, alpha, s, beta = params = np.exp(theta)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            return _value_and_gradient(r, alpha, s, beta, params)

    def _value_and_gradient(r, alpha, s, beta, params):
        alive, died, delta, tail_grad = data.branches(params, gradient=True)
        log_likelihood = (
            _dot(counts, special.gammaln(r + unique_x) - special.gammaln(r))
            + size * (r * math.log(alpha) + s * math.log(beta))
            + _dot(weight, np.logaddexp(alive, died))
        )
        # Posterior weight of "died since t_x" (times the histories' counts),
        # and d ln(J(t_x) - J(T)).
        w_died = special.expit(died - alive) * weight
        w_alive = weight - w_died
        with np.errstate(divide="ignore", invalid="ignore"):
            c_t_x = np.where(data.gap, w_died / -np.expm1(delta), 0.0)
        c_T = c_t_x * np.exp(delta)
        # Summed per distinct pair first: the weights of each pair's gradient.
        weights = np.bincount(data.at_t_x, weights=c_t_x, minlength=pairs)
        weights -= np.bincount(data.at_T, weights=c_T, minlength=pairs)
        d_died = np.array([_dot(row, weights) for row in tail_grad])
        d_r = (
            _dot(counts, special.digamma(r + unique_x) - special.digamma(r))
            + size * math.log(alpha)
            - _dot(w_alive, np.log(alpha + T))
            + d_died[0]
        )
        d_alpha = (
            size * r / alpha - _dot(w_alive * (r + x), 1.0 / (alpha + T)) + d_died[1]
        )
        d_s = (
            size * math.log(beta)
            - _dot(w_alive, np.log(beta + T))
            + np.sum(w_died) / s
            + d_died[2]
        )
        d_beta = size * s / beta - s * _dot(w_alive, 1.0 / (beta + T)) + d_died[3]
        gradient = np.array([r * d_r, alpha * d_alpha, s * d_s, beta * d_beta])
        return -log_likelihood / size, -gradient / size

    return objective


def pareto_nbd_log_likelihood(params, x, t_x, T):
    """Each customer's Pareto/NBD log-likelihood ln L(r, alpha, s, beta | x, t_x, T).

    Fader & Hardie's note, eq. (3), with the integral of the "died since
    t_x" branch computed as J(t_x) - J(T) (see the section's comment).
    Returns an array, one value per customer.
    """
    params = r, alpha, s, beta = _params("Pareto/NBD", params, 4)
    x, t_x, T = _rfm(x, t_x, T)
    alive, died = _ParetoNbdData(x, t_x, T).branches(params)
    return (
        special.gammaln(r + x)
        - special.gammaln(r)
        + r * math.log(alpha)
        + s * math.log(beta)
        + np.logaddexp(alive, died)
    )


# A search that reaches a point where one rate's scale is this many times
# the other's is heading for a ridge: the customers show no dropout (or no
# purchase rhythm) to fit, and each step there costs the most.
_PARETO_MAX_SCALE_RATIO = 1e4


class _NoDropout(Exception):
    def __init__(self, theta):
        super().__init__("no dropout to fit")
        self.theta = np.array(theta, dtype=float)


def _stop_without_dropout(theta):
    """TNC's callback: stop the search at an iterate on its way to the ridge
    where beta (or alpha) grows without bound."""
    if abs(theta[3] - theta[1]) > math.log(_PARETO_MAX_SCALE_RATIO):
        raise _NoDropout(theta)


def pareto_nbd_fit_result(x, t_x, T, start=None):
    """Maximum-likelihood Pareto/NBD fit, as a :class:`FitResult`.

    Searches the log-parameters from ``start`` (r, alpha, s, beta; e.g. the
    last fit, which saves most of the search) or from r = s = 1, alpha =
    beta = mean(T), with the times divided by mean(T).  Raises ValueError on
    invalid input, fewer than PARETO_NBD_MIN_CUSTOMERS customers or no
    repeat purchase at all.
    """
    x, t_x, T = _rfm(x, t_x, T)
    if len(x) < PARETO_NBD_MIN_CUSTOMERS:
        raise ValueError(
            "Fitting the Pareto/NBD model needs at least "
            f"{PARETO_NBD_MIN_CUSTOMERS} customers, got {len(x)}."
        )
    if not np.any(x > 0):
        raise ValueError(
            "Fitting the Pareto/NBD model needs at least one customer with a "
            "repeat purchase."
        )
    scale = float(np.mean(T)) or 1.0
    units = np.array([1.0, scale, 1.0, scale])
    theta = np.zeros(4)
    if start is not None:
        theta = np.clip(
            np.log(np.asarray(_params("Pareto/NBD", start, 4)) / units),
            -_LOG_BOUND / 2,
            _LOG_BOUND / 2,
        )
    try:
        theta, _value, converged, message, evaluations, errors = _maximise(
            _pareto_nbd_objective(x, t_x / scale, T / scale),
            theta,
            len(x),
            simplex=False,
            callback=_stop_without_dropout,
        )
    except _NoDropout as stop:
        # Not worth the rest of the search: the likelihood only keeps rising
        # toward the NBD model, which the data cannot tell from Pareto/NBD.
        theta, converged, evaluations = stop.theta, False, 0
        errors = np.full(4, np.nan)
        message = (
            "TNC: stopped where beta or alpha is more than "
            f"{_PARETO_MAX_SCALE_RATIO:g} times the other: the customers show no "
            "dropout to fit (the likelihood rises toward a model without "
            "dropout): the data cannot identify the model"
        )
    params = np.exp(theta) * units
    log_likelihood = float(np.sum(pareto_nbd_log_likelihood(params, x, t_x, T)))
    return FitResult(
        params=tuple(float(v) for v in params),
        log_likelihood=log_likelihood,
        converged=converged,
        message=message,
        n_customers=len(x),
        n_evaluations=evaluations,
        std_errors=tuple(float(v) for v in params * errors),
    )


def pareto_nbd_fit(x, t_x, T, start=None):
    """Maximum-likelihood Pareto/NBD parameters ``(r, alpha, s, beta)``.

    See :func:`pareto_nbd_fit_result`; raises ConvergenceError when the
    search did not converge.
    """
    result = pareto_nbd_fit_result(x, t_x, T, start=start)
    if not result.converged:
        raise ConvergenceError(result)
    return result.params


def pareto_nbd_p_alive(params, x, t_x, T):
    """P(alive | x, t_x, T) of the Pareto/NBD model (Fader & Hardie's note,
    eq. 11): the "alive at T" branch of the likelihood over the whole,
    1 / (1 + s / (r + s + x) (alpha + T)^(r + x) (beta + T)^s A0), in log
    space.  Below 1 for one-time buyers too.  Returns an array.
    """
    params = _params("Pareto/NBD", params, 4)
    x, t_x, T = _rfm(x, t_x, T)
    alive, died = _ParetoNbdData(x, t_x, T).branches(params)
    return special.expit(alive - died)


def _pareto_nbd_growth(params, t, x, T):
    """E[Y(t) | alive at T] = (r + x) (beta + T) / ((alpha + T) (s - 1))
    [1 - ((beta + T) / (beta + T + t))^(s - 1)], through expm1/log1p (and
    its limit (r + x) (beta + T) / (alpha + T) ln(1 + t / (beta + T)) at
    s = 1)."""
    r, alpha, s, beta = params
    log_ratio = np.log1p(t / (beta + T))
    if s == 1.0:
        bracket = log_ratio
    else:
        bracket = -np.expm1(-(s - 1.0) * log_ratio) / (s - 1.0)
    return (r + x) * (beta + T) / (alpha + T) * bracket


def pareto_nbd_expected_purchases(params, t, x, t_x, T):
    """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` time units
    (Fader & Hardie's note, eq. 12): P(alive) times the purchases of a
    customer alive at T, whose rate is then Gamma(r + x, alpha + T) and
    death rate Gamma(s, beta + T).  ``t`` is a scalar or one value per
    customer.  Returns an array.
    """
    params = _params("Pareto/NBD", params, 4)
    x, t_x, T = _rfm(x, t_x, T)
    t = _as_vector("t", t)
    if len(t) == 1:
        t = np.full(x.shape, t[0])
    _check_lengths(t=t, x=x)
    alive, died = _ParetoNbdData(x, t_x, T).branches(params)
    return _pareto_nbd_growth(params, t, x, T) * special.expit(alive - died)


def pareto_nbd_expected_purchases_path(params, times, x, t_x, T):
    """E[Y(t) | x, t_x, T] at each horizon of ``times``: an iterator of
    arrays, with P(alive) computed once (as ``bgnbd_expected_purchases_path``)."""
    params = _params("Pareto/NBD", params, 4)
    x, t_x, T = _rfm(x, t_x, T)
    times = _as_vector("t", times)
    alive, died = _ParetoNbdData(x, t_x, T).branches(params)
    p_alive = special.expit(alive - died)
    return (_pareto_nbd_growth(params, t, x, T) * p_alive for t in times)


def median_wait_given_alive(r, alpha, x, T):
    """Median time to the next purchase of a customer known to be alive.

    In BG/NBD and in Pareto/NBD alike the purchase rate of a customer alive
    at T is Gamma(r + x, alpha + T) a posteriori, so the wait W has P(W > w)
    = ((alpha + T) / (alpha + T + w))^(r + x) and its median is
    (alpha + T) (2^(1 / (r + x)) - 1), in the unit of ``T``.  Returns an
    array.
    """
    r, alpha = _params("Purchase rate", (r, alpha), 2)
    x = _as_vector("x", x)
    T = _as_vector("T", T)
    _check_lengths(x=x, T=T)
    return (alpha + T) * np.expm1(math.log(2.0) / (r + x))


def pareto_nbd_simulate(params, size, rng, max_age):
    """Simulate ``size`` Pareto/NBD customers: (x, t_x, T) with T ~ U(1,
    max_age): rates lambda ~ Gamma(r, alpha) and mu ~ Gamma(s, beta), a
    lifetime ~ Exp(mu), Poisson purchases until the lifetime or T ends.  For
    tests and benchmarks."""
    r, alpha, s, beta = params
    rate = rng.gamma(r, 1.0 / alpha, size)
    death = rng.gamma(s, 1.0 / beta, size)
    T = rng.uniform(1.0, max_age, size)
    end = np.minimum(rng.exponential(1.0, size) / death, T)
    x = rng.poisson(rate * end).astype(float)
    # Given their number, the purchases are uniform on (0, end): the last is
    # end times the largest of x uniforms, Beta(x, 1).
    t_x = np.where(x > 0, end * rng.random(size) ** (1.0 / np.maximum(x, 1.0)), 0.0)
    return x, t_x, T


__all__ += [
    "median_wait_given_alive",
    "pareto_nbd_expected_purchases",
    "pareto_nbd_expected_purchases_path",
    "pareto_nbd_fit",
    "pareto_nbd_fit_result",
    "pareto_nbd_log_likelihood",
    "pareto_nbd_p_alive",
]


# ---------------------------------------------------------------------------
# BG/BB (discrete-time, noncontractual: e.g. donors who give at most once a
# year)
# ---------------------------------------------------------------------------
#
#     P. S. Fader, B. G. S. Hardie and J. Shang (2010), "Customer-Base
#     Analysis in a Discrete-Time Noncontractual Setting", Marketing Science
#     29(6), 1086-1108.
#
# For one customer, over the ``n`` transaction opportunities that followed
# the first transaction (e.g. the n fiscal years after the year of the first
# gift): ``x`` transactions, the last one at opportunity ``t_x`` (0 when
# x == 0), so that 0 <= x <= t_x <= n.  While "alive", a customer transacts
# at each opportunity with probability p ~ Beta(alpha, beta); it becomes
# inactive at the start of an opportunity with probability
# theta ~ Beta(gamma, delta).  Parameters travel as ``(alpha, beta, gamma,
# delta)``.

#: Fewest customers :func:`bgbb_fit` accepts (one per parameter).
BGBB_MIN_CUSTOMERS = 4
# Half-width of the interval around gamma = 1 where eq. 13 is interpolated.
_GAMMA_NEAR_ONE = 1e-4


def _bgbb_data(x, t_x, n, weights=None):
    """Validated (x, t_x, n, weights) arrays: whole numbers with
    0 <= x <= t_x <= n, t_x == 0 when x == 0; weights (counts of customers
    sharing the row, default 1) finite and non-negative."""
    x = _as_vector("x", x)
    t_x = _as_vector("t_x", t_x)
    n = _as_vector("n", n)
    if weights is None:
        weights = np.ones(x.shape)
    else:
        weights = _as_vector("weights", weights)
    _check_lengths(x=x, t_x=t_x, n=n, weights=weights)
    for name, values in (("x", x), ("t_x", t_x), ("n", n)):
        if np.any(values != np.round(values)):
            raise ValueError(f"{name} must contain whole numbers (opportunities).")
    if np.any(x > t_x) or np.any(t_x > n):
        raise ValueError(
            "The BG/BB data must satisfy x <= t_x <= n: x transactions, the last "
            "one at opportunity t_x, out of n opportunities."
        )
    if np.any((x == 0) & (t_x != 0)):
        raise ValueError("t_x (last transaction) must be 0 where x == 0.")
    return x, t_x, n, weights


def _bgbb_patterns(x, t_x, n):
    """The distinct (x, t_x, n) rows and, for each row of the input, the
    index of its pattern (customers share few: n is a number of years)."""
    keys = np.stack([x, t_x, n], axis=1)
    patterns, inverse = np.unique(keys, axis=0, return_inverse=True)
    return patterns[:, 0], patterns[:, 1], patterns[:, 2], inverse.reshape(-1)


def _bgbb_terms(x, t_x, n):
    """The terms of the likelihood (eq. 5) of each pattern, padded to a
    matrix: column 0 the customer alive through n, column 1 + i (i = 0 ..
    n - t_x - 1) the customer who became inactive at the start of opportunity
    t_x + i + 1.  Returns (p_a, p_b, g_a, g_b, mask): the arguments of
    B(alpha + p_a, beta + p_b) and B(gamma + g_a, delta + g_b) of each term,
    and which terms exist."""
    width = int(np.max(n - t_x)) + 1 if len(x) else 1
    i = np.arange(width - 1)[None, :]
    mask = np.ones((len(x), width), dtype=bool)
    mask[:, 1:] = i < (n - t_x)[:, None]
    p_a = np.repeat(x[:, None], width, axis=1)
    p_b = np.empty((len(x), width))
    p_b[:, 0] = n - x
    p_b[:, 1:] = (t_x - x)[:, None] + i
    g_a = np.ones((len(x), width))
    g_a[:, 0] = 0.0
    g_b = np.empty((len(x), width))
    g_b[:, 0] = n
    g_b[:, 1:] = t_x[:, None] + i
    return p_a, p_b, g_a, g_b, mask


def _bgbb_log_terms(params, terms):
    """ln of each term of eq. 5 (masked ones -inf), with the normalising
    beta functions."""
    alpha, beta, gamma, delta = params
    p_a, p_b, g_a, g_b, mask = terms
    log_terms = (
        special.betaln(alpha + p_a, beta + p_b)
        - special.betaln(alpha, beta)
        + special.betaln(gamma + g_a, delta + g_b)
        - special.betaln(gamma, delta)
    )
    return np.where(mask, log_terms, -np.inf)


def _bgbb_objective(x, t_x, n, weights):
    """Mean negative log-likelihood and its gradient over log(alpha, beta,
    gamma, delta), on distinct patterns weighted by their counts."""
    terms = _bgbb_terms(x, t_x, n)
    p_a, p_b, g_a, g_b, mask = terms
    total = float(np.sum(weights))

    def objective(theta):
        alpha, beta, gamma, delta = np.exp(theta)
        log_terms = _bgbb_log_terms((alpha, beta, gamma, delta), terms)
        log_l = special.logsumexp(log_terms, axis=1)
        share = np.where(mask, np.exp(log_terms - log_l[:, None]), 0.0)
        # d betaln(a, b) / da = digamma(a) - digamma(a + b).
        psi_ab = special.digamma(alpha + beta)
        psi_gd = special.digamma(gamma + delta)
        psi_p = special.digamma(alpha + p_a + beta + p_b)
        psi_g = special.digamma(gamma + g_a + delta + g_b)
        d_alpha = special.digamma(alpha + p_a) - psi_p - special.digamma(alpha) + psi_ab
        d_beta = special.digamma(beta + p_b) - psi_p - special.digamma(beta) + psi_ab
        d_gamma = special.digamma(gamma + g_a) - psi_g - special.digamma(gamma) + psi_gd
        d_delta = special.digamma(delta + g_b) - psi_g - special.digamma(delta) + psi_gd
        gradient = np.array(
            [
                alpha * _dot(weights, np.sum(share * d_alpha, axis=1)),
                beta * _dot(weights, np.sum(share * d_beta, axis=1)),
                gamma * _dot(weights, np.sum(share * d_gamma, axis=1)),
                delta * _dot(weights, np.sum(share * d_delta, axis=1)),
            ]
        )
        return -_dot(weights, log_l) / total, -gradient / total

    return objective


def bgbb_log_likelihood(params, x, t_x, n):
    """Each customer's BG/BB log-likelihood ln L(alpha, beta, gamma, delta |
    x, t_x, n), eq. 5 of Fader, Hardie & Shang (2010):

        B(alpha + x, beta + n - x) / B(alpha, beta)
          * B(gamma, delta + n) / B(gamma, delta)
        + sum over i = 0 .. n - t_x - 1 of
          B(alpha + x, beta + t_x - x + i) / B(alpha, beta)
          * B(gamma + 1, delta + t_x + i) / B(gamma, delta)

    summed in log space.  Returns an array, one value per customer.
    """
    params = _params("BG/BB", params, 4)
    x, t_x, n, _weights = _bgbb_data(x, t_x, n)
    px, pt, pn, inverse = _bgbb_patterns(x, t_x, n)
    log_l = special.logsumexp(_bgbb_log_terms(params, _bgbb_terms(px, pt, pn)), axis=1)
    return log_l[inverse]


def bgbb_fit_result(x, t_x, n, weights=None):
    """Maximum-likelihood BG/BB fit, as a :class:`FitResult`.

    ``x``, ``t_x``, ``n``: one row per customer, or per group of customers
    sharing them with ``weights`` their counts (the papers publish the data
    so: 22 patterns for 11,104 donors).  The search runs on the
    log-parameters from alpha = beta = gamma = delta = 1 over the distinct
    patterns.  ``n_customers`` of the result is the sum of the weights.
    Raises ValueError on invalid input, fewer than BGBB_MIN_CUSTOMERS
    customers, no opportunity at all (every n == 0) or no transaction at all.
    """
    x, t_x, n, weights = _bgbb_data(x, t_x, n, weights)
    customers = float(np.sum(weights))
    if customers < BGBB_MIN_CUSTOMERS:
        raise ValueError(
            f"Fitting the BG/BB model needs at least {BGBB_MIN_CUSTOMERS} customers, "
            f"got {customers:g}."
        )
    used = weights > 0
    if not np.any(n[used] > 0):
        raise ValueError(
            "Fitting the BG/BB model needs customers observed over at least one "
            "opportunity after their first transaction (n >= 1)."
        )
    if not np.any(x[used] > 0):
        raise ValueError(
            "Fitting the BG/BB model needs at least one customer with a repeat "
            "transaction."
        )
    px, pt, pn, inverse = _bgbb_patterns(x[used], t_x[used], n[used])
    pw = np.bincount(inverse, weights=weights[used], minlength=len(px))
    objective = _bgbb_objective(px, pt, pn, pw)
    theta, value, converged, message, evaluations, errors = _maximise(
        objective, np.zeros(4), customers
    )
    params = np.exp(theta)
    return FitResult(
        params=tuple(float(v) for v in params),
        log_likelihood=float(-value * customers),
        converged=converged,
        message=message,
        n_customers=round(customers) if customers == round(customers) else customers,
        n_evaluations=evaluations,
        std_errors=tuple(float(v) for v in params * errors),
    )


def bgbb_fit(x, t_x, n, weights=None):
    """Maximum-likelihood BG/BB parameters ``(alpha, beta, gamma, delta)``.

    See :func:`bgbb_fit_result`; raises ConvergenceError when the search did
    not converge.
    """
    result = bgbb_fit_result(x, t_x, n, weights)
    if not result.converged:
        raise ConvergenceError(result)
    return result.params


def bgbb_p_alive(params, x, t_x, n):
    """P(alive at opportunity n + 1 | x, t_x, n), eq. 11 of Fader, Hardie &
    Shang (2010):

        B(alpha + x, beta + n - x) / B(alpha, beta)
        * B(gamma, delta + n + 1) / B(gamma, delta) / L(x, t_x, n)

    Returns an array, one value per customer.
    """
    alpha, beta, gamma, delta = _params("BG/BB", params, 4)
    x, t_x, n, _weights = _bgbb_data(x, t_x, n)
    px, pt, pn, inverse = _bgbb_patterns(x, t_x, n)
    log_l = special.logsumexp(
        _bgbb_log_terms((alpha, beta, gamma, delta), _bgbb_terms(px, pt, pn)), axis=1
    )
    log_alive = (
        special.betaln(alpha + px, beta + pn - px)
        - special.betaln(alpha, beta)
        + special.betaln(gamma, delta + pn + 1)
        - special.betaln(gamma, delta)
    )
    return np.exp(log_alive - log_l)[inverse]


def _bgbb_survival_sum(gamma, delta, n, n_future):
    """delta / (gamma - 1) * Gamma(gamma + delta) / Gamma(1 + delta)
    * [Gamma(1 + delta + n) / Gamma(gamma + delta + n)
       - Gamma(1 + delta + n + n*) / Gamma(gamma + delta + n + n*)]:
    the factor of eq. 13 that sums the chances of staying alive over the
    next n* opportunities; for gamma within 1e-4 of 1 (0/0), interpolated
    between gamma = 1 -/+ 1e-4."""
    if abs(gamma - 1) < _GAMMA_NEAR_ONE:
        below = _bgbb_survival_sum_direct(1 - _GAMMA_NEAR_ONE, delta, n, n_future)
        above = _bgbb_survival_sum_direct(1 + _GAMMA_NEAR_ONE, delta, n, n_future)
        weight = (gamma - 1 + _GAMMA_NEAR_ONE) / (2 * _GAMMA_NEAR_ONE)
        return below + weight * (above - below)
    return _bgbb_survival_sum_direct(gamma, delta, n, n_future)


def _bgbb_survival_sum_direct(gamma, delta, n, n_future):
    """:func:`_bgbb_survival_sum` by its formula (gamma != 1)."""
    head = math.log(delta) + special.gammaln(gamma + delta) - special.gammaln(1 + delta)
    now = special.gammaln(1 + delta + n) - special.gammaln(gamma + delta + n)
    later = special.gammaln(1 + delta + n + n_future) - special.gammaln(
        gamma + delta + n + n_future
    )
    # exp(now) - exp(later), without losing the difference of close values.
    difference = np.exp(now) * -np.expm1(later - now)
    return np.exp(head) * difference / (gamma - 1)


def bgbb_expected_transactions(params, n_future, x, t_x, n):
    """E[X(n, n + n*) | x, t_x, n]: the expected transactions in the next
    ``n_future`` (n*) opportunities, eq. 13 of Fader, Hardie & Shang (2010):

        1 / L(x, t_x, n) * B(alpha + x + 1, beta + n - x) / B(alpha, beta)
        * delta / (gamma - 1) * Gamma(gamma + delta) / Gamma(1 + delta)
        * [Gamma(1 + delta + n) / Gamma(gamma + delta + n)
           - Gamma(1 + delta + n + n*) / Gamma(gamma + delta + n + n*)]

    ``n_future`` is a scalar or one value per customer (whole or not: the
    formula is smooth in n*).  Returns an array, one value per customer.
    """
    alpha, beta, gamma, delta = _params("BG/BB", params, 4)
    x, t_x, n, _weights = _bgbb_data(x, t_x, n)
    n_future = _as_vector("n_future", n_future)
    if len(n_future) == 1:
        n_future = np.full(x.shape, n_future[0])
    _check_lengths(n_future=n_future, x=x)
    px, pt, pn, inverse = _bgbb_patterns(x, t_x, n)
    log_l = special.logsumexp(
        _bgbb_log_terms((alpha, beta, gamma, delta), _bgbb_terms(px, pt, pn)), axis=1
    )[inverse]
    log_head = special.betaln(alpha + x + 1, beta + n - x) - special.betaln(alpha, beta)
    survival = _bgbb_survival_sum(gamma, delta, n, n_future)
    return np.where(n_future > 0, np.exp(log_head - log_l) * survival, 0.0)


def bgbb_simulate(params, n, size, rng):
    """Simulate ``size`` BG/BB customers over ``n`` opportunities: (x, t_x).

    Each customer's transaction probability is drawn from Beta(alpha, beta)
    and its dropout probability from Beta(gamma, delta); at each opportunity
    a living customer first drops out with that probability, then transacts
    with its own (the model's own story).  ``rng`` is a numpy Generator.  For
    tests and benchmarks.
    """
    alpha, beta, gamma, delta = params
    p = rng.beta(alpha, beta, size)
    theta = rng.beta(gamma, delta, size)
    alive = np.ones(size, dtype=bool)
    x = np.zeros(size)
    t_x = np.zeros(size)
    for period in range(1, n + 1):
        alive &= rng.random(size) >= theta
        buying = alive & (rng.random(size) < p)
        x[buying] += 1
        t_x[buying] = period
    return x, t_x
