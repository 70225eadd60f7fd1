"""SingleFlight: one task per key, shared by its callers and shielded from each of them."""

from __future__ import annotations

import asyncio

import pytest

from common.flight import SingleFlight


async def test_concurrent_callers_share_one_run() -> None:
    flight: SingleFlight[str, int] = SingleFlight()
    gate = asyncio.Event()
    runs: list[str] = []

    async def work() -> int:
        runs.append("run")
        await gate.wait()
        return 7

    callers = [asyncio.create_task(flight.run("k", work)) for _ in range(5)]
    await asyncio.sleep(0)
    assert len(flight) == 1
    gate.set()
    assert await asyncio.gather(*callers) == [7] * 5
    assert runs == ["run"]
    assert len(flight) == 0, "a finished task forgets its key"
    assert await flight.run("k", work) == 7
    assert runs == ["run", "run"], "the next caller after it ends starts afresh"


async def test_a_caller_going_away_cancels_only_its_wait() -> None:
    flight: SingleFlight[str, str] = SingleFlight()
    gate = asyncio.Event()

    async def work() -> str:
        await gate.wait()
        return "done"

    leaving = asyncio.create_task(flight.run("k", work))
    staying = asyncio.create_task(flight.run("k", work))
    await asyncio.sleep(0)
    leaving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leaving
    (shared,) = flight.tasks()
    assert not shared.cancelled()
    gate.set()
    assert await staying == "done"


async def test_keys_fly_separately_and_failures_reach_every_caller() -> None:
    flight: SingleFlight[str, str] = SingleFlight()

    async def fail() -> str:
        await asyncio.sleep(0)
        raise RuntimeError("broken")

    async def fine() -> str:
        return "ok"

    results = await asyncio.gather(
        flight.run("a", fail), flight.run("a", fail), flight.run("b", fine), return_exceptions=True
    )
    assert [type(result) for result in results[:2]] == [RuntimeError, RuntimeError]
    assert results[2] == "ok"
    assert len(flight) == 0


async def test_the_last_caller_going_away_cancels_the_work() -> None:
    flight: SingleFlight[str, str] = SingleFlight()
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def work() -> str:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "never"

    first = asyncio.create_task(flight.run("k", work))
    second = asyncio.create_task(flight.run("k", work))
    await started.wait()
    (shared,) = flight.tasks()
    first.cancel()
    await asyncio.gather(first, return_exceptions=True)
    assert not shared.cancelled(), "one caller is still waiting"
    assert not cancelled.is_set()
    second.cancel()
    await asyncio.gather(second, return_exceptions=True)
    await asyncio.wait_for(cancelled.wait(), 5)
    assert len(flight) == 0


async def test_a_started_task_runs_on_when_its_callers_leave() -> None:
    """A background refresh (`start`) is for the cache: a client joining it and leaving
    does not stop it."""
    flight: SingleFlight[str, str] = SingleFlight()
    gate = asyncio.Event()

    async def work() -> str:
        await gate.wait()
        return "refreshed"

    background = flight.start("k", work)
    caller = asyncio.create_task(flight.run("k", work))
    await asyncio.sleep(0)
    caller.cancel()
    await asyncio.gather(caller, return_exceptions=True)
    assert not background.cancelled()
    gate.set()
    assert await background == "refreshed"


async def test_a_caller_arriving_as_the_work_is_cancelled_starts_it_afresh() -> None:
    """The last caller left and its work is being cancelled: the next caller must not join
    that dying task (it would be cancelled with it) but get a run of its own."""
    flight: SingleFlight[str, str] = SingleFlight()
    runs: list[int] = []

    async def work() -> str:
        runs.append(len(runs))
        await asyncio.sleep(0.01)
        return f"run {len(runs)}"

    leaving = asyncio.create_task(flight.run("k", work))
    await asyncio.sleep(0)
    leaving.cancel()
    await asyncio.sleep(0)  # the leaving caller cancels the work; it has not ended yet
    assert leaving.done()
    assert await flight.run("k", work) == "run 2"
    assert runs == [0, 1]


async def test_a_cancellation_the_work_absorbs_is_not_the_work_ending() -> None:
    """anyio's cancel scopes cancel the task running them and uncancel it when the scope
    exits (httpcore's connect does, when its first address answers): a caller arriving in
    between joins the same run, not a second one (a second fetch of the link, seen in a test
    of eight requests for one cold link)."""
    flight: SingleFlight[str, str] = SingleFlight()
    runs: list[str] = []
    waiting, done = asyncio.Event(), asyncio.Event()

    async def work() -> str:
        runs.append("run")
        waiting.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:  # what a cancel scope does with its own cancellation
            task = asyncio.current_task()
            assert task is not None
            task.uncancel()
        await done.wait()
        return "one fetch"

    first = asyncio.create_task(flight.run("k", work))
    await waiting.wait()
    (running,) = flight.tasks()
    # The second caller's first step is queued before the work sees the scope's cancellation
    # (pending meanwhile: running.cancelling() is 1).
    second = asyncio.create_task(flight.run("k", work))
    running.cancel()
    await asyncio.sleep(0)
    done.set()
    async with asyncio.timeout(10):  # a second run would wait forever: fail, not hang
        assert [await first, await second] == ["one fetch", "one fetch"]
    assert runs == ["run"]
