"""Multi-document dossiers: several documents about the same people in one file, as citizens hand
them in at the counter (an application with the ID card copy and the certificate it relies on).

Each template returns the documents in file order; the same Person objects are shared, so a name
or ID number recurs across the documents of a file exactly as it would in a real dossier.
"""

from __future__ import annotations

from .doctypes import (
    Ctx,
    Doc,
    _family,
    application_letter,
    birth_certificate,
    birth_registration_form,
    business_registration,
    citizen_id_card,
    construction_permit,
    death_certificate,
    decision,
    dossier_receipt,
    land_use_certificate,
    marital_status_certificate,
    marriage_certificate,
    notice,
    power_of_attorney,
    residence_confirmation,
)


def child_health_insurance(ctx: Ctx) -> list[Doc]:
    """BHYT card for a child: the mother's application, her ID card copy, the child's birth certificate."""
    child, mother, father = _family(ctx)
    return [application_letter(ctx, applicant=mother, beneficiary=child, topic="birth"),
            citizen_id_card(ctx, mother), birth_certificate(ctx, child, mother, father)]


def birth_registration(ctx: Ctx) -> list[Doc]:
    """Registering a birth: the form, the mother's ID card, the parents' marriage certificate."""
    child, mother, father = _family(ctx, father=ctx.people.person(male=True, born_between=(1975, 2003)))
    return [birth_registration_form(ctx, child, mother, father), citizen_id_card(ctx, mother),
            marriage_certificate(ctx, husband=father, wife=mother)]


def authorisation(ctx: Ctx) -> list[Doc]:
    """A power of attorney with both parties' ID cards."""
    grantor = ctx.people.person(born_between=(1940, 1995))
    agent = ctx.people.person(born_between=(1965, 2004))
    return [power_of_attorney(ctx, grantor, agent), citizen_id_card(ctx, grantor), citizen_id_card(ctx, agent)]


def receipt_with_application(ctx: Ctx) -> list[Doc]:
    citizen = ctx.people.person(born_between=(1950, 2004))
    return [dossier_receipt(ctx, citizen), application_letter(ctx, citizen), citizen_id_card(ctx, citizen)]


def funeral_allowance(ctx: Ctx) -> list[Doc]:
    """Funeral allowance: the relative's request about the deceased, the death extract, the relative's ID."""
    deceased = ctx.people.person(born_between=(1930, 1975))
    relative = ctx.people.person(born_between=(1955, 1995))
    return [application_letter(ctx, relative, beneficiary=deceased, topic="death"),
            death_certificate(ctx, deceased, relative), citizen_id_card(ctx, relative)]


def marital_status(ctx: Ctx) -> list[Doc]:
    person = ctx.people.person(born_between=(1970, 2004))
    return [application_letter(ctx, person, topic="marital"), marital_status_certificate(ctx, person),
            citizen_id_card(ctx, person)]


def notice_and_decision(ctx: Ctx) -> list[Doc]:
    person = ctx.people.person(born_between=(1940, 2000))
    return [notice(ctx, person), decision(ctx, person)]


def residence(ctx: Ctx) -> list[Doc]:
    person = ctx.people.person(born_between=(1950, 2004))
    return [application_letter(ctx, person), residence_confirmation(ctx, person), citizen_id_card(ctx, person)]


def building(ctx: Ctx) -> list[Doc]:
    owner = ctx.people.person(born_between=(1950, 1990))
    return [application_letter(ctx, owner, topic="building"), construction_permit(ctx, owner),
            land_use_certificate(ctx, owner)]


def business(ctx: Ctx) -> list[Doc]:
    owner = ctx.people.person(born_between=(1960, 2000))
    return [business_registration(ctx, owner), citizen_id_card(ctx, owner), residence_confirmation(ctx, owner)]


def receipt_with_power(ctx: Ctx) -> list[Doc]:
    grantor = ctx.people.person(born_between=(1940, 1990))
    agent = ctx.people.person(born_between=(1965, 2004))
    return [dossier_receipt(ctx, grantor, request="Chứng thực chữ ký"), power_of_attorney(ctx, grantor, agent),
            citizen_id_card(ctx, grantor)]


TEMPLATES = {
    "child_health_insurance": child_health_insurance,
    "birth_registration": birth_registration,
    "authorisation": authorisation,
    "receipt_with_application": receipt_with_application,
    "funeral_allowance": funeral_allowance,
    "marital_status": marital_status,
    "notice_and_decision": notice_and_decision,
    "residence": residence,
    "building": building,
    "business": business,
    "receipt_with_power": receipt_with_power,
}
