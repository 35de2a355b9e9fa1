from fedportal.accounts.permissions import ROLE_PERMISSIONS
from fedportal.core.navigation import nav_items_for, nav_menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    perms = ROLE_PERMISSIONS.get(user.role, frozenset())
    items = nav_items_for(user)
    return {
        "nav_items": items,
        "nav_menu": nav_menu_for(items, request.path),
        "user_perms": {str(perm) for perm in perms},
    }
