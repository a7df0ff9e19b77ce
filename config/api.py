"""The API router: one line per resource."""

from rest_framework import routers


def _register(router: routers.DefaultRouter) -> routers.DefaultRouter:
    from participants.api import ParticipantViewSet
    from placements.api import WorksiteViewSet

    router.register("participants", ParticipantViewSet, basename="participant")
    router.register("worksites", WorksiteViewSet, basename="worksite")
    return router


router = _register(routers.DefaultRouter())
