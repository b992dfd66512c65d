"""Group commands (protocol level 2): one signed envelope per whole command group, its own sequence,
a record per device, the broker rules for group topics, and (against Mosquitto) virtual devices that
obey one group publish and answer it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from amqtt.contexts import Action  # type: ignore[import-untyped]

from nguon.core.models import AuditEvent
from nguon.devices.broker_config import active_credentials, render
from nguon.devices.credentials import ActiveCredential
from nguon.devices.embedded_broker import Rules
from nguon.devices.models import CommandGroup, CommandRecord, Device, DeviceEvent, PlayReceipt
from nguon.devices.protocol import topics
from nguon.devices.protocol.bundle import Bundle
from nguon.devices.services.commands import send_command, send_commands
from nguon.devices.services.manifests import playable_item
from nguon.devices.services.provisioning import command_group_of, provision_device, revoke_credentials
from nguon.devices.services.registry import register_device
from nguon.devices.services.simulation import simulated_bundles
from nguon.devices.simulator import Fleet, SimOptions

from .conftest import ACTOR, store_blob
from .mosquitto import BINARY, wait_for
from .test_mqtt import _connect
from .test_simulator import RunningFleet


def fleet(unit: Any, prefix: str, count: int, kind: str = "speaker_cluster", protocol: int = 2) -> list[Any]:
    devices = []
    for n in range(count):
        device = register_device(actor=ACTOR, kind=kind, serial=f"{prefix}-{n}", unit=unit)
        provision_device(actor=ACTOR, device=device, protocol=protocol)
        devices.append(device)
    return devices


def test_the_bundle_names_the_group_only_from_level_2(db, commune, publisher):
    speaker, board = fleet(commune, "LOA", 1)[0], fleet(commune, "BANG", 1, kind="eboard")[0]
    assert command_group_of(speaker) == "g-05569-speaker"
    assert command_group_of(board) == "g-05569-eboard"
    bundle = provision_device(actor=ACTOR, device=speaker)
    assert bundle.to_dict()["command_group"] == "g-05569-speaker"
    assert Bundle.from_dict(bundle.to_dict()).command_group == "g-05569-speaker"
    old = provision_device(actor=ACTOR, device=speaker, protocol=1)
    assert "command_group" not in old.to_dict()
    assert old.protocol == 1
    with pytest.raises(ValueError, match="protocol level 3"):
        provision_device(actor=ACTOR, device=speaker, protocol=3)


def test_a_fan_out_sends_one_envelope_per_whole_group_and_a_record_per_device(
    db, commune, other_commune, publisher, django_capture_on_commit_callbacks
):
    speakers = fleet(commune, "LOA", 3)
    board = fleet(commune, "BANG", 1, kind="eboard")  # a group of one: its own command
    old = fleet(other_commune, "CU", 1, protocol=1)  # level 1: no group
    lone = fleet(other_commune, "MOI", 1)  # level 2 but alone in its group
    with django_capture_on_commit_callbacks(execute=True):
        records = send_commands(
            actor=ACTOR, devices=speakers + board + old + lone, type="volume", body={"level": 30}
        )
    assert len(records) == 6
    grouped = [r for r in records if r.group]
    assert {r.device_id for r in grouped} == {d.pk for d in speakers}
    assert {(r.group, r.seq) for r in grouped} == {("g-05569-speaker", 1)}
    assert len({json.dumps(r.envelope, sort_keys=True) for r in grouped}) == 1  # one signature for all
    assert grouped[0].envelope["group"] == "g-05569-speaker"
    assert "device" not in grouped[0].envelope
    sent = dict(publisher.sent)
    assert len(publisher.sent) == 4  # one group publish and three own
    assert set(sent) == {
        topics.group_topic("g-05569-speaker"),
        *(topics.topic(d.device_id, topics.COMMAND) for d in board + old + lone),
    }
    assert json.loads(sent[topics.group_topic("g-05569-speaker")]) == grouped[0].envelope
    assert CommandRecord.objects.filter(published_at__isnull=False).count() == 6
    assert CommandGroup.objects.get(key="g-05569-speaker").last_seq == 1
    for d in speakers:  # the device's own counter is untouched by the group's
        d.refresh_from_db()
        assert d.last_command_seq == 0
    audit = AuditEvent.objects.filter(action="devices.command.fanout", unit_path=commune.path).get()
    assert audit.after["groups"] == ["g-05569-speaker"]

    # The group counts on; a device's own command numbers apart and may reuse the number.
    with django_capture_on_commit_callbacks(execute=True):
        again = send_commands(actor=ACTOR, devices=speakers, type="stop")
        own = send_command(actor=ACTOR, device=speakers[0], type="stop")
    assert {(r.group, r.seq) for r in again} == {("g-05569-speaker", 2)}
    assert (own.group, own.seq) == ("", 1)


def test_a_partial_selection_or_a_changed_group_falls_back_to_own_commands(
    db, commune, publisher, django_capture_on_commit_callbacks
):
    speakers = fleet(commune, "LOA", 3)
    with django_capture_on_commit_callbacks(execute=True):
        partial = send_commands(actor=ACTOR, devices=speakers[:2], type="stop")
    assert [r.group for r in partial] == ["", ""]  # the third holder must not hear it
    revoke_credentials(actor=ACTOR, device=speakers[2])  # no longer a holder: the other two are whole
    with django_capture_on_commit_callbacks(execute=True):
        whole = send_commands(actor=ACTOR, devices=speakers[:2], type="stop")
    assert {r.group for r in whole} == {"g-05569-speaker"}
    provision_device(actor=ACTOR, device=speakers[1], protocol=1)  # back to level 1: out of the group
    with django_capture_on_commit_callbacks(execute=True):
        alone = send_commands(actor=ACTOR, devices=speakers, type="stop")
    assert [r.group for r in alone] == ["", "", ""]


def test_broker_rules_let_a_device_read_only_its_own_group(db, commune, other_commune, publisher):
    mine = fleet(commune, "LOA", 1)[0]
    old = fleet(other_commune, "CU", 1, protocol=1)[0]
    credentials = {c.device_id: c for c in active_credentials()}
    assert credentials[mine.device_id].command_group == "g-05569-speaker"
    assert credentials[old.device_id].command_group == ""
    files = render(server_username="srv", server_password="p" * 20, credentials=credentials.values())
    assert "topic read nguon/v1/g/g-05569-speaker/cmd" in files.acl.split(f"user {mine.device_id}")[1]
    assert files.acl.count("nguon/v1/g/") == 1  # the level-1 device reads no group topic

    held = {
        "d-aaaaaaaaaaaa": ActiveCredential(
            "d-aaaaaaaaaaaa", mosquitto_hash_of("pw-a" * 6), "g-05569-speaker"
        ),
        "d-bbbbbbbbbbbb": ActiveCredential("d-bbbbbbbbbbbb", mosquitto_hash_of("pw-b" * 6)),
    }
    rules = Rules("srv", "p" * 20, lookup=held.get)
    group = topics.group_topic("g-05569-speaker")
    assert not rules.may("d-aaaaaaaaaaaa", group, Action.SUBSCRIBE)  # nothing known before it connects
    assert rules.check_password("d-aaaaaaaaaaaa", "pw-a" * 6)
    assert rules.check_password("d-bbbbbbbbbbbb", "pw-b" * 6)
    assert rules.may("d-aaaaaaaaaaaa", group, Action.SUBSCRIBE)
    assert rules.may("d-aaaaaaaaaaaa", group, Action.RECEIVE)
    assert not rules.may("d-aaaaaaaaaaaa", group, Action.PUBLISH)
    assert not rules.may("d-aaaaaaaaaaaa", topics.group_topic("g-05443-speaker"), Action.SUBSCRIBE)
    assert not rules.may("d-aaaaaaaaaaaa", "nguon/v1/g/#", Action.SUBSCRIBE)
    assert not rules.may("d-bbbbbbbbbbbb", group, Action.SUBSCRIBE)
    assert rules.may("srv", group, Action.PUBLISH)


def mosquitto_hash_of(password: str) -> str:
    from nguon.devices.credentials import mosquitto_hash

    return mosquitto_hash(password, iterations=1000)


@pytest.mark.mqtt
@pytest.mark.skipif(BINARY is None, reason="mosquitto is not installed (scripts/setup-os.sh)")
def test_one_group_publish_puts_an_emergency_on_every_device_of_the_commune(
    broker, ingest, commune, other_commune, tmp_path, django_capture_on_commit_callbacks
):
    speakers = [
        register_device(actor=ACTOR, kind="speaker_cluster", serial=f"LOA-{n}", unit=commune)
        for n in range(4)
    ]
    outsider = register_device(actor=ACTOR, kind="speaker_cluster", serial="KHAC-1", unit=other_commune)
    bundles, _ = simulated_bundles(
        actor=ACTOR, devices=[*speakers, outsider], cache=tmp_path / "bundles.json"
    )
    assert {b.command_group for b in bundles} == {"g-05569-speaker", "g-05443-speaker"}
    broker.start()
    loop = ingest()
    wait_for(loop.connected.is_set)
    # The outsider's own credentials cannot read the commune's group topic (Mosquitto's ACL).
    probe, seen = _connect(bundles[-1], broker.port)
    probe.subscribe([(topics.group_topic("g-05569-speaker"), 1)])
    wait_for(lambda: seen["granted"] is not None)
    # Each speaker's own command #1, sent before it ever connected: never delivered, never answered. The
    # group's answers (also #1, in the group's count) must not be taken for these.
    with django_capture_on_commit_callbacks(execute=True):
        unanswered = [send_command(actor=ACTOR, device=d, type="volume", body={"level": 5}) for d in speakers]
    assert {r.seq for r in unanswered} == {1}
    options = SimOptions(heartbeat_s=0.5, ack_timeout_s=1.0, tick_s=0.1, max_play_s=0.2, seed=3)
    running = RunningFleet(Fleet(bundles[:-1], options))
    try:
        step = loop.process_pending
        wait_for(lambda: running.fleet.stats.counts["connects"] == len(speakers), step=step)
        wait_for(lambda: running.fleet.stats.counts["heartbeats"] >= len(speakers), step=step)
        item = playable_item(store_blob(0.2), item_id="canh-bao-lu-nhom")
        with django_capture_on_commit_callbacks(execute=True):
            records = send_commands(
                actor=ACTOR, devices=speakers, type="emergency-start", body={"item": item}
            )
        assert {(r.group, r.seq) for r in records} == {("g-05569-speaker", 1)}
        receipts = PlayReceipt.objects.filter(
            device__in=speakers, is_emergency=True, item_id="canh-bao-lu-nhom"
        )
        wait_for(lambda: receipts.count() == len(speakers), step=step, timeout=20)
        answered = CommandRecord.objects.filter(batch=records[0].batch, accepted_at__isnull=False)
        wait_for(lambda: answered.count() == len(speakers), step=step)
        events = DeviceEvent.objects.filter(device__in=speakers, kind="command-accepted", seq=1)
        assert sorted(events.values_list("group", flat=True)) == ["g-05569-speaker"] * len(speakers)
        assert running.fleet.stats.counts["command:emergency-start"] == len(speakers)
        assert not [k for k in running.fleet.stats.counts if k.startswith("refused:")]
        assert not CommandRecord.objects.filter(pk__in=[r.pk for r in unanswered], accepted_at__isnull=False)
    finally:
        running.close()
        probe.disconnect()
        probe.loop_stop()
    assert topics.group_topic("g-05569-speaker") not in seen["messages"]


@pytest.mark.mqtt
@pytest.mark.skipif(BINARY is None, reason="mosquitto is not installed (scripts/setup-os.sh)")
def test_reference_agents_obey_a_group_command_and_keep_its_sequence_apart(
    broker, ingest, run_agent, commune, tmp_path, django_capture_on_commit_callbacks
):
    speakers = [
        register_device(actor=ACTOR, kind="speaker_cluster", serial=f"AG-{n}", unit=commune) for n in range(2)
    ]
    bundles = [provision_device(actor=ACTOR, device=d) for d in speakers]
    broker.start()
    loop = ingest()
    wait_for(loop.connected.is_set)
    agents = [run_agent(b, name=f"agent-{n}") for n, b in enumerate(bundles)]
    for agent in agents:
        wait_for(agent.connected.is_set)
    with django_capture_on_commit_callbacks(execute=True):
        records = send_commands(actor=ACTOR, devices=speakers, type="volume", body={"level": 35})
    assert {(r.group, r.seq) for r in records} == {("g-05569-speaker", 1)}
    wait_for(lambda: all(a.settings["volume"] == 35 for a in agents), step=loop.process_pending)
    batch = CommandRecord.objects.filter(batch=records[0].batch)
    wait_for(lambda: batch.filter(accepted_at__isnull=False).count() == 2, step=loop.process_pending)
    for n, _agent in enumerate(agents):
        stored = json.loads((tmp_path / f"agent-{n}" / "seq.json").read_text())
        assert stored == {"last_seq": 0, "groups": {"g-05569-speaker": 1}}  # its own stream untouched


def test_a_device_moved_to_another_commune_keeps_its_old_group_out_of_reach(
    db, commune, other_commune, publisher, django_capture_on_commit_callbacks
):
    stay = fleet(commune, "LOA", 2)
    moved = fleet(commune, "DI", 1)[0]
    Device.objects.filter(pk=moved.pk).update(
        unit=other_commune
    )  # moved in the registry, not provisioned again
    moved.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        old_commune = send_commands(actor=ACTOR, devices=stay, type="stop")
    # The moved device still holds g-05569-speaker and is not a target: no group command for the others.
    assert [r.group for r in old_commune] == ["", ""]
    newcomers = fleet(other_commune, "MOI", 2)
    with django_capture_on_commit_callbacks(execute=True):
        new_commune = send_commands(actor=ACTOR, devices=[moved, *newcomers], type="stop")
    by_device = {r.device_id: r.group for r in new_commune}
    assert by_device == {moved.pk: "", newcomers[0].pk: "g-05443-speaker", newcomers[1].pk: "g-05443-speaker"}
