"""Hostile bytes handed to native decoders (FFmpeg through PyAV, PDFium) in a child process,
under a hard deadline and an address-space limit.

Why a process and not the readers' threads: neither library can be interrupted from Python,
so a thread that overruns its deadline keeps its CPU and memory until it finishes on its
own, and PDFium is not thread-safe at all. A child process can be killed at the deadline,
`RLIMIT_AS` turns a decompression bomb into a failed allocation instead of a swapping host,
and everything it allocated goes back to the system when it exits.

Children fork from a forkserver that has the decoders imported already, so a job costs a
fork and a pipe, not an interpreter start.
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Final, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")

_CONTEXT: Final = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["files.stills", "files.pdf_pages"])


@dataclass(frozen=True, slots=True)
class Isolation:
    """The bounds of one decoding job."""

    timeout: float = 10.0  # seconds, wall clock, from the child's start
    # Address space, not resident memory: FFmpeg and PDFium map a few hundred MiB of
    # libraries and arenas before decoding anything.
    memory_bytes: int = 1536 * 1024 * 1024


def run_isolated(work: Callable[[bytes], T], data: bytes, bounds: Isolation) -> T | None:
    """`work(data)` in a child process; None when it fails, overruns or runs out of memory.

    Blocks the calling thread: the readers call it from their worker threads.
    """
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(
        target=_child, args=(work, data, sender, bounds.memory_bytes), daemon=True
    )
    try:
        child.start()
    except OSError:
        logger.warning("could not start a decoding process", exc_info=True)
        return None
    sender.close()
    try:
        if not receiver.poll(bounds.timeout):
            logger.info("decoding overran its %.1f s and was stopped", bounds.timeout)
            return None
        succeeded, result = receiver.recv()
        return result if succeeded else None
    except (EOFError, OSError):  # the child died: killed by its memory limit, or crashed
        logger.info("decoding process ended without an answer")
        return None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
        child.close()


def _child(
    work: Callable[[bytes], object], data: bytes, sender: Connection, memory_bytes: int
) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        result = work(data)
    except BaseException:  # a hostile file: say so, with no traceback sent back
        sender.send((False, None))
    else:
        sender.send((True, result))
    finally:
        sender.close()
