# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Internal context values: signals between the add-on's own methods that no
client can send.

A client sends any context it likes over JSON-RPC (``{"idic_tier_sync":
true}``), so a context key is never a permission. The add-on's internal flows
pass their signals wrapped in :class:`Internal`: JSON gives dicts, lists,
strings, numbers, booleans and null, never an instance of this class, so a
value read with :func:`internal_value` can only have been set by server code.

``grant(records, *fields)`` is the one such signal that lifts a check: the
records may write these protected fields (figures a job computes, the
withdrawal of a member...), in a flow that made its own checks first.
"""

GRANT_KEY = "idic_grant"


class Internal:
    """A context value that only server code can create."""

    __slots__ = ("value",)

    def __init__(self, value=True):
        self.value = value

    def __repr__(self):
        return f"<partner_idic internal {self.value!r}>"

    # The context is copied by ``with_context`` (shallow) and, in places,
    # deep-copied: the copy must stay the server's value.
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def internal(value=True):
    """The context value of an internal signal carrying ``value``."""
    return Internal(value)


def internal_value(env, key, default=None):
    """The value of the internal signal ``key`` of ``env``'s context, or
    ``default`` when there is none or the client sent it."""
    found = env.context.get(key)
    return found.value if isinstance(found, Internal) else default


def grant(records, *field_names):
    """``records`` allowed to write the protected ``field_names`` (on top of
    any field granted already)."""
    granted = internal_value(records.env, GRANT_KEY, frozenset())
    return records.with_context(
        **{GRANT_KEY: Internal(frozenset(granted) | frozenset(field_names))}
    )


def granted(env, field_name):
    """Whether a flow of the add-on granted ``env`` the writing of
    ``field_name``."""
    return field_name in internal_value(env, GRANT_KEY, frozenset())
