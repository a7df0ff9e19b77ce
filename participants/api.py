from rest_framework import serializers, viewsets

from participants.models import Participant
from participants.selectors import CaseloadFilters, participant_list


class ParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "first_name", "last_name"]


class ParticipantViewSet(viewsets.ReadOnlyModelViewSet):
    """Participants the signed-in user may see; anyone else's id answers 404."""

    serializer_class = ParticipantSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        search = self.request.query_params.get("search", "").replace("\x00", "")[:100]
        return participant_list(user=self.request.user, filters=CaseloadFilters(name=search))
