# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import portal
from . import portal_giving
from . import portal_relationship
from . import portal_membership
from . import portal_referral
from . import portal_giving_fundraising
