from pmks_portal.navigation import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    return {"main_menu": menu_for(user) if user is not None else []}
