from . import test_install
from . import test_security
from . import test_idic_stage
from . import test_completeness
from . import test_interaction
from . import test_dormant
from . import test_value
from . import test_tours
