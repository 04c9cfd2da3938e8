"""Administrators' pages for the PMKS categories (reference data)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from audit.history import history_of
from cases.models import Category
from cases.reference import category_save
from cases.reference_forms import CategoryForm
from pmks_portal import access
from pmks_portal.access import Capability

manage_reference = access.requires(Capability.MANAGE_REFERENCE)


@manage_reference
def category_list(request):
    categories = Category.objects.prefetch_related("aliases")
    return render(request, "cases/category_list.html", {"categories": categories})


def _edit(request, category: Category):
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        category_save(
            actor=request.user,
            category=form.save(commit=False),
            aliases=form.cleaned_data["aliases"],
        )
        messages.success(request, _("Category saved."))
        return redirect("categories:list")
    history = history_of(category, with_reads=False) if category.pk else None
    return render(
        request,
        "cases/category_form.html",
        {"form": form, "category": category, "history": history},
    )


@manage_reference
def category_create(request):
    return _edit(request, Category())


@manage_reference
def category_edit(request, pk):
    # Reference data is province-wide: no regency scope applies, only the capability.
    return _edit(request, get_object_or_404(Category, pk=pk))
