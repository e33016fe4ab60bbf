from django.contrib import admin

from .models import CommitteeMember, Grid, PartyOrg, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "depth"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["region", "area_m2", "sponsor_unit"]
    search_fields = ["region__code", "region__name"]


@admin.register(PartyOrg)
class PartyOrgAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "secretary_name", "secretary_title"]
    list_filter = ["level"]
    search_fields = ["name"]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "home_unit", "title", "party_org"]
    list_filter = ["kind"]
