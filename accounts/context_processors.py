from django.utils.functional import SimpleLazyObject

from accounts.roles import roles_of


def roles(request) -> dict:
    return {"roles": SimpleLazyObject(lambda: roles_of(request.user))}
