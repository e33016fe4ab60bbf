from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin

from .models import Household, PartyMember, Resident, SpecialGroup, Unit


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "credit_code", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code"]


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["number", "address", "kind", "region"]
    search_fields = ["number", "address"]


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdmin):
    """Masked values only; the encrypted columns are never shown."""

    list_display = ["name", "sex", "birth_date", "id_number_masked", "phone_masked", "region"]
    search_fields = ["name"]
    exclude = ["id_number_enc", "id_number_index", "phone_enc", "phone_index"]


@admin.register(PartyMember)
class PartyMemberAdmin(ReadOnlyAdmin):
    list_display = ["resident", "party_org", "home_unit", "joined_on"]


@admin.register(SpecialGroup)
class SpecialGroupAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "name_en"]
