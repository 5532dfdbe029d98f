"""Property tests of the format as a whole: generated messages of every type round-trip and validate."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from concernshare import codec, schema, validation
from concernshare.records import Message, MessageType
from concernshare.testing.strategies import messages

#: The profile's examples, spread over the twelve types so that every type is certain
#: to be tried while a property costs about two unparametrized tests.
PER_TYPE = settings(max_examples=max(5, settings.default.max_examples // 6))
EVERY_TYPE = pytest.mark.parametrize("kind", list(MessageType), ids=str)


@pytest.fixture(scope="module", autouse=True)
def _schema_built() -> None:
    """Build the schema validator once, outside any timed example."""
    schema.validator()


def _message(data: st.DataObject, kind: MessageType) -> Message:
    message = data.draw(messages(kind), label="message")
    assert message.type is kind
    return message


@EVERY_TYPE
@PER_TYPE
@given(data=st.data())
def test_loads_inverts_dumps(kind: MessageType, data: st.DataObject) -> None:
    """Reading what dumps wrote gives back an equal message."""
    message = _message(data, kind)
    assert codec.loads(codec.dumps(message)) == message


@EVERY_TYPE
@PER_TYPE
@given(data=st.data())
def test_canonical_bytes_are_stable(kind: MessageType, data: st.DataObject) -> None:
    """Writing a message that was read back gives the same bytes again."""
    written = codec.dumps(_message(data, kind))
    assert codec.dumps(codec.loads(written)) == written


@EVERY_TYPE
@PER_TYPE
@given(data=st.data())
def test_messages_pass_the_schema(kind: MessageType, data: st.DataObject) -> None:
    """The JSON Schema finds no problem in a generated message."""
    document = json.loads(codec.dumps(_message(data, kind)))
    assert list(schema.iter_problems(document)) == []


@EVERY_TYPE
@PER_TYPE
@given(data=st.data())
def test_messages_pass_validation(kind: MessageType, data: st.DataObject) -> None:
    """Validation of a generated message finds no error and returns the message."""
    message = _message(data, kind)
    assert validation.validate(codec.dumps(message)) == message
