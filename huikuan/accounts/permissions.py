from rest_framework.permissions import SAFE_METHODS, BasePermission


class RolePermission(BasePermission):
    """Authenticated users read (within scope); a view names the permission code writes need."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if request.method in SAFE_METHODS:
            return True
        needed = getattr(view, "write_perm", None)
        return needed is None or user.has_perm_code(needed)
