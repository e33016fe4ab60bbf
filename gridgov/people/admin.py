from django.contrib import admin

from .models import Household, PartyMember, Resident, SpecialGroup, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "credit_code", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code"]


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["number", "address", "kind", "region"]
    search_fields = ["number", "address"]


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    """Masked values only; the encrypted columns are never shown."""

    list_display = ["name", "sex", "birth_year", "id_number_masked", "phone_masked", "region"]
    search_fields = ["name"]
    # the birth date too: it is exactly what the masked ID number hides
    exclude = ["id_number_enc", "id_number_index", "phone_enc", "phone_index", "birth_date"]


@admin.register(PartyMember)
class PartyMemberAdmin(admin.ModelAdmin):
    list_display = ["resident", "party_org", "home_unit", "joined_on"]


@admin.register(SpecialGroup)
class SpecialGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
