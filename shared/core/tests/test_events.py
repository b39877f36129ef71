"""EventEnvelope: the frame every integration event travels in."""

import uuid
from datetime import UTC, datetime

import pydantic
import pytest

from shared.kit.events import EventEnvelope


class UserDeleted(pydantic.BaseModel):
    user_uuid: uuid.UUID


def test_envelope_fills_in_id_and_time():
    before = datetime.now(UTC)

    event = EventEnvelope[UserDeleted](
        type="user.deleted",
        version=1,
        producer="users",
        aggregate_id="a",
        data=UserDeleted(user_uuid=uuid.uuid4()),
    )

    assert isinstance(event.event_id, uuid.UUID)
    assert before <= event.occurred_at <= datetime.now(UTC)


def test_envelope_round_trips_through_json():
    event = EventEnvelope[UserDeleted](
        type="user.deleted",
        version=1,
        producer="users",
        aggregate_id="a",
        data=UserDeleted(user_uuid=uuid.uuid4()),
    )

    assert EventEnvelope[UserDeleted].model_validate_json(event.model_dump_json()) == event


def test_version_starts_at_one():
    with pytest.raises(pydantic.ValidationError):
        EventEnvelope[UserDeleted](
            type="user.deleted", version=0, producer="users", data={"user_uuid": uuid.uuid4()}
        )


def test_data_is_validated_against_the_events_model():
    with pytest.raises(pydantic.ValidationError):
        EventEnvelope[UserDeleted](
            type="user.deleted", version=1, producer="users", aggregate_id="a", data={}
        )


def test_envelope_is_immutable():
    event = EventEnvelope[UserDeleted](
        type="user.deleted",
        version=1,
        producer="users",
        aggregate_id="a",
        data={"user_uuid": uuid.uuid4()},
    )

    with pytest.raises(pydantic.ValidationError):
        event.type = "user.created"


def test_envelope_carries_the_aggregate_and_the_request_that_caused_it():
    user_uuid = uuid.uuid4()

    event = EventEnvelope[UserDeleted](
        type="user.deleted",
        version=1,
        producer="users",
        aggregate_id=str(user_uuid),
        request_id="req-1",
        data={"user_uuid": user_uuid},
    )

    dumped = event.model_dump(mode="json")
    assert dumped["aggregate_id"] == str(user_uuid)
    assert dumped["request_id"] == "req-1"
    assert dumped["traceparent"] is None


def test_an_event_needs_the_aggregate_it_is_about():
    with pytest.raises(pydantic.ValidationError):
        EventEnvelope[UserDeleted](
            type="user.deleted", version=1, producer="users", data={"user_uuid": uuid.uuid4()}
        )
