from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.history import history_of
from pmks_portal import access
from pmks_portal.access import Capability
from regions import services
from regions.forms import RegionDeleteForm, RegionForm
from regions.models import Region


@access.authenticated
def home(request):
    """The start page: what the user's role and regency give access to."""
    user = request.user
    regencies = Region.objects.visible_to(user).province_regencies()
    return render(request, "home.html", {"regencies": regencies})


@access.authenticated
def region_list(request):
    """The regencies and cities the user may open, with their number of districts."""
    regencies = Region.objects.visible_to(request.user).province_regencies().with_child_counts()
    return render(request, "regions/region_list.html", {"regencies": regencies})


@access.authenticated
def region_detail(request, code):
    region = access.get_object_for_user(Region.objects.all(), request.user, code=code)
    children = region.children.visible_to(request.user).with_child_counts()
    history = history_of(region, with_reads=False)
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "ancestors": region.ancestors(),
            "children": children,
            "history": history,
            "can_manage": region.writable_by(request.user),
        },
    )


@access.requires(Capability.MANAGE_REGIONS)
def region_edit(request, code):
    region = access.get_object_for_user(Region.objects.all(), request.user, write=True, code=code)
    form = RegionForm(request.POST or None, instance=region)
    if request.method == "POST" and form.is_valid():
        try:
            services.region_update(
                region=region,
                actor=request.user,
                name=form.cleaned_data["name"],
                is_active=form.cleaned_data["is_active"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Region saved."))
            return redirect("regions:detail", code=region.code)
    return render(
        request,
        "regions/region_form.html",
        {"region": region, "form": form, "delete_form": RegionDeleteForm()},
    )


@access.requires(Capability.MANAGE_REGIONS)
@require_POST
def region_delete(request, code):
    region = access.get_object_for_user(Region.objects.all(), request.user, write=True, code=code)
    form = RegionDeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the region is deleted."))
        return redirect("regions:edit", code=region.code)
    parent_code = region.parent_id
    try:
        services.region_delete(
            region=region, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except services.RegionInUse as error:
        messages.error(request, str(error))
        return redirect("regions:edit", code=region.code)
    messages.success(request, _("Region deleted."))
    return redirect("regions:detail", code=parent_code) if parent_code else redirect("regions:list")
