from rest_framework import serializers, viewsets

from placements.models import Worksite
from placements.selectors import worksite_list


class WorksiteSerializer(serializers.ModelSerializer):
    placed = serializers.IntegerField(read_only=True)

    class Meta:
        model = Worksite
        fields = ["id", "name", "kind", "address", "placed"]


class WorksiteViewSet(viewsets.ReadOnlyModelViewSet):
    """Worksites the signed-in user may see, with the placements they may see."""

    serializer_class = WorksiteSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return worksite_list(user=self.request.user)
