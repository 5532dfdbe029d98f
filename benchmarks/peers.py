"""The stacks a user would otherwise assemble: a JOSE library, a JSON Schema validator, a model library.

- jwcrypto + jsonschema + pydantic
- joserfc + fastjsonschema + pydantic
- joserfc + jsonschema-rs + cattrs

Each sends from its own typed object (a pydantic model, or concernshare's attrs
record through a plain cattrs converter): sets ``sent``, dumps plain JSON,
validates it against ``src/concernshare/schemas/message.schema.json`` (the validator built once),
signs (JWS) and encrypts to the three recipients (JWE, general JSON). Each
receives by decrypting, verifying, parsing, validating and building its typed
object, with an in-memory replay check. The pydantic models are generated here
from concernshare's attrs records, field for field, with ``extra="forbid"``.
Keys are imported once. None of this is concernshare's code.
"""

from __future__ import annotations

import datetime as dt
import json
import typing
import uuid
from collections.abc import Callable, Mapping
from importlib.metadata import version
from typing import Any, Final, Literal

import attrs
import cattrs
import cattrs.preconf.json
import fastjsonschema
import jsonschema
import jsonschema_rs
import pydantic
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from joserfc import jwe as rfc_jwe
from joserfc import jws as rfc_jws
from joserfc.jwk import import_key
from jwcrypto import jwe as jc_jwe
from jwcrypto import jwk as jc_jwk
from jwcrypto import jws as jc_jws
from jwcrypto.common import json_encode

from benchmarks.scenario import RECIPIENTS, SENDER, SENT
from concernshare import schema
from concernshare.records import Message
from concernshare.records.bodies import BODIES, BODY_TYPES
from concernshare.records.codes import MessageType
from concernshare.records.types import AgencyId, PartialDate
from concernshare.testing.world import World

__all__ = ["PeerStack", "peer_stacks", "versions"]

KEY_ALG: Final = "ECDH-ES+A256KW"
ENC: Final = "A256GCM"
MESSAGE_HEADER: Final = {"typ": "concernshare-message+jws", "cty": "concernshare+json"}
SEALED_HEADER: Final = {"typ": "concernshare-sealed+jwe", "cty": "concernshare-message+jws"}


# -- pydantic models generated from the records ---------------------------------------------


def _annotation(type_: Any, models: dict[type, type[pydantic.BaseModel]]) -> Any:
    if type_ in (AgencyId, PartialDate):
        return str
    if attrs.has(type_):
        return _model(type_, models)
    origin, args = typing.get_origin(type_), typing.get_args(type_)
    if origin is tuple:
        return tuple[_annotation(args[0], models), ...]  # type: ignore[misc]
    if type(None) in args:
        (inner,) = (a for a in args if a is not type(None))
        return _annotation(inner, models) | None
    if type_ == Mapping[str, Any]:
        return dict[str, Any]
    return type_


def _default(attribute: attrs.Attribute[Any], models: dict[type, type[pydantic.BaseModel]]) -> Any:
    default = attribute.default
    if default is attrs.NOTHING:
        return ...
    factory = getattr(default, "factory", None)
    if factory is None:
        return default
    return pydantic.Field(default_factory=_model(factory, models) if attrs.has(factory) else factory)


def _model(cls: type, models: dict[type, type[pydantic.BaseModel]]) -> type[pydantic.BaseModel]:
    if cls not in models:
        hints = typing.get_type_hints(cls)
        fields = {
            a.name: (_annotation(hints[a.name], models), _default(a, models))
            for a in attrs.fields(cls)
            if a.metadata.get("wire", True) and a.name != "body"
        }
        models[cls] = pydantic.create_model(  # type: ignore[call-overload]
            cls.__name__,
            __config__=pydantic.ConfigDict(extra="forbid"),
            **fields,
        )
    return models[cls]


def pydantic_messages() -> dict[str, type[pydantic.BaseModel]]:
    """One pydantic message model per type, its body's model fixed, ``type`` a literal."""
    models: dict[type, type[pydantic.BaseModel]] = {}
    envelope = _model(Message, models)
    by_type = {}
    for kind, body in BODIES.items():
        by_type[kind.value] = pydantic.create_model(
            f"{body.__name__}Message",
            __base__=envelope,
            type=(Literal[kind.value], ...),
            body=(_model(body, models), ...),  # type: ignore[valid-type]
        )
    return by_type


# -- cattrs: a plain converter over concernshare's records ----------------------------------


def cattrs_converter() -> cattrs.Converter:
    """cattrs' JSON converter with what the format needs: its value types, the tagged body, defaults left out."""
    converter = cattrs.preconf.json.make_converter(omit_if_default=True)
    converter.register_structure_hook(AgencyId, lambda value, _: AgencyId(value))
    converter.register_unstructure_hook(AgencyId, str)
    converter.register_structure_hook(PartialDate, lambda value, _: PartialDate.parse(value))
    converter.register_unstructure_hook(PartialDate, str)
    converter.register_structure_hook(uuid.UUID, lambda value, _: uuid.UUID(value))
    converter.register_unstructure_hook(uuid.UUID, str)
    converter.register_unstructure_hook(dt.datetime, lambda v: v.isoformat().replace("+00:00", "Z"))
    converter.register_structure_hook(dt.datetime, lambda value, _: dt.datetime.fromisoformat(value))
    converter.register_structure_hook_func(lambda t: t == Mapping[str, Any], lambda value, _: dict(value))
    fields = make_dict_structure_fn(Message, converter, body=override(struct_hook=lambda value, _: value))
    unstructure_fields = make_dict_unstructure_fn(
        Message, converter, _cattrs_omit_if_default=True, unknown_members=override(omit=True)
    )

    def structure_message(value: Any, _: type) -> Message:
        data = dict(value)
        body = converter.structure(data.pop("body"), BODIES[MessageType(data.pop("type"))])
        return typing.cast(Message, fields({**data, "body": body}, Message))

    def unstructure_message(message: Message) -> dict[str, Any]:
        return {"type": BODY_TYPES[type(message.body)].value, **unstructure_fields(message)}

    converter.register_structure_hook(Message, structure_message)
    converter.register_unstructure_hook(Message, unstructure_message)
    return converter


# -- the stacks -----------------------------------------------------------------------------


def _dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


class _Keys:
    """The keys as JWK dicts, which each JOSE library imports its own way."""

    def __init__(self, world: World) -> None:
        self.signing = world[SENDER].signing
        self.alg = self.signing.public.alg
        self.recipients = [world[r].encryption for r in RECIPIENTS]
        self.opener = world[RECIPIENTS[0]].encryption


class Jwcrypto:
    """Sign and seal with jwcrypto."""

    def __init__(self, keys: _Keys) -> None:
        self.signing = jc_jwk.JWK(**keys.signing.to_dict())
        self.verifying = jc_jwk.JWK(**keys.signing.public.to_dict())
        self.recipients = [
            (jc_jwk.JWK(**key.public.to_dict()), json_encode({"alg": KEY_ALG, "kid": key.kid}))
            for key in keys.recipients
        ]
        self.opener = jc_jwk.JWK(**keys.opener.to_dict())
        self.jws_header = json_encode({"alg": keys.alg, "kid": keys.signing.kid, **MESSAGE_HEADER})
        self.jwe_header = json_encode({"enc": ENC, **SEALED_HEADER})

    def seal(self, payload: bytes) -> bytes:
        signed = jc_jws.JWS(payload)
        signed.add_signature(self.signing, None, self.jws_header)
        sealed = jc_jwe.JWE(signed.serialize().encode(), protected=self.jwe_header)
        for key, header in self.recipients:
            sealed.add_recipient(key, header=header)
        return sealed.serialize().encode()

    def open(self, sealed: bytes) -> bytes:
        outer = jc_jwe.JWE()
        outer.deserialize(sealed.decode(), key=self.opener)
        inner = jc_jws.JWS()
        inner.deserialize(outer.payload.decode(), key=self.verifying)
        return bytes(inner.payload)


class Joserfc:
    """Sign and seal with joserfc; registries built once, one recipient verified (its own)."""

    def __init__(self, keys: _Keys) -> None:
        self.signing = import_key(keys.signing.to_dict())
        self.verifying = import_key(keys.signing.public.to_dict())
        self.recipients = [(import_key(key.public.to_dict()), key.kid) for key in keys.recipients]
        self.opener = import_key(keys.opener.to_dict())
        self.jws_registry = rfc_jws.JWSRegistry(algorithms=[keys.alg])
        self.jwe_registry = rfc_jwe.JWERegistry(algorithms=[KEY_ALG, ENC], verify_all_recipients=False)
        self.jws_header = {"alg": keys.alg, "kid": keys.signing.kid, **MESSAGE_HEADER}

    def seal(self, payload: bytes) -> bytes:
        signed = rfc_jws.serialize_json(
            {"protected": self.jws_header}, payload, self.signing, registry=self.jws_registry
        )
        sealed = rfc_jwe.GeneralJSONEncryption({"enc": ENC, **SEALED_HEADER}, json.dumps(signed).encode())
        for key, kid in self.recipients:
            sealed.add_recipient({"alg": KEY_ALG, "kid": kid}, key)
        return json.dumps(rfc_jwe.encrypt_json(sealed, None, registry=self.jwe_registry)).encode()

    def open(self, sealed: bytes) -> bytes:
        outer = rfc_jwe.decrypt_json(json.loads(sealed), self.opener, registry=self.jwe_registry)
        return bytes(
            rfc_jws.deserialize_json(json.loads(outer.plaintext), self.verifying, registry=self.jws_registry).payload
        )


def _validators() -> dict[str, Callable[[Any], None]]:
    """Each validator's validate (raises on an invalid document), built once from the bundled schema."""
    document = schema.load()
    draft7 = {key: value for key, value in document.items() if key != "$schema"}  # fastjsonschema has no 2020-12
    return {
        "jsonschema": jsonschema.Draft202012Validator(document).validate,
        "fastjsonschema": fastjsonschema.compile(draft7),
        "jsonschema-rs": jsonschema_rs.validator_for(document).validate,
    }


class PeerStack:
    """One peer stack: a JOSE library, a validator, and pydantic or cattrs for the typed object."""

    def __init__(
        self, name: str, jose: Jwcrypto | Joserfc, validate: Callable[[Any], None], models: str, message: Message
    ) -> None:
        self.name, self.jose, self.validate = name, jose, validate
        self.seen: set[tuple[str, str]] = set()
        if models == "pydantic":
            self.messages = pydantic_messages()
            document = cattrs_converter().unstructure(message)
            self.record: Any = self.messages[document["type"]].model_validate(document)
            self.dump: Callable[[Any], Any] = lambda model: model.model_dump(mode="json", exclude_none=True)
            self.build: Callable[[Any], Any] = lambda data: self.messages[data["type"]].model_validate(data)
            self.with_sent: Callable[[Any], Any] = lambda model: model.model_copy(update={"sent": SENT})
        else:
            converter = cattrs_converter()
            self.record = message
            self.dump = converter.unstructure
            self.build = lambda data: converter.structure(data, Message)
            self.with_sent = lambda record: attrs.evolve(record, sent=SENT)

    def send(self, record: Any = None) -> bytes:
        """Set sent; dump; validate; sign; seal."""
        data = self.dump(self.with_sent(self.record if record is None else record))
        self.validate(data)
        return self.jose.seal(_dumps(data))

    def receive(self, sealed: bytes) -> Any:
        """Open; verify; parse; validate; build the typed object; refuse a replay."""
        data = json.loads(self.jose.open(sealed))
        self.validate(data)
        built = self.build(data)
        key = (data["sender"]["agency"], data["id"])
        if key in self.seen:
            raise ValueError("replayed")
        self.seen.add(key)
        return built

    def distinct(self, count: int) -> list[Any]:
        """``count`` typed objects with their own ids."""
        if isinstance(self.record, pydantic.BaseModel):
            return [self.record.model_copy(update={"id": uuid.UUID(int=n, version=4)}) for n in range(count)]
        return [attrs.evolve(self.record, id=uuid.UUID(int=n, version=4)) for n in range(count)]


def peer_stacks(world: World, message: Message) -> list[PeerStack]:
    """The three peer stacks, keys imported and validators built."""
    keys, validators = _Keys(world), _validators()
    return [
        PeerStack("jwcrypto + jsonschema + pydantic", Jwcrypto(keys), validators["jsonschema"], "pydantic", message),
        PeerStack(
            "joserfc + fastjsonschema + pydantic", Joserfc(keys), validators["fastjsonschema"], "pydantic", message
        ),
        PeerStack("joserfc + jsonschema-rs + cattrs", Joserfc(keys), validators["jsonschema-rs"], "cattrs", message),
    ]


def versions() -> str:
    """The peer libraries' versions, for the report."""
    names = ("jwcrypto", "joserfc", "jsonschema", "fastjsonschema", "jsonschema-rs", "pydantic", "cattrs")
    return ", ".join(f"{name} {version(name)}" for name in names)
