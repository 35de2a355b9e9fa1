from fedportal.accounts.permissions import ROLE_PERMISSIONS
from fedportal.core.navigation import nav_items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    perms = ROLE_PERMISSIONS.get(user.role, frozenset())
    return {"nav_items": nav_items_for(user), "user_perms": {str(perm) for perm in perms}}
