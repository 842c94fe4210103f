"""Worker processes that talk with this one in typed messages over a pipe.

``Workers(main, plans, name)`` spawns one fresh interpreter per plan (spawn: no connection
pool or thread is inherited half-alive) and runs ``main(channel, plan)`` in it. Both sides
send plain picklable values, dataclasses by convention, never string-tagged tuples. This
process gets every message through one inbox, with the worker's number; one listener
thread per worker reads its pipe, so that neither side ever blocks on a full pipe. Besides
what ``main`` sends, the helper itself says how a worker ended: ``Stopped`` (``main``
returned), ``Failed`` (it raised; the detail is the exception's one-line text) or
``Gone`` (the pipe closed without a word: the process died).

Values are pickled with a private reducer table, so a read-only mapping
(``MappingProxyType``, e.g. in the catalogue) makes the trip without a global registration.
"""

from __future__ import annotations

import contextlib
import copyreg
import io
import multiprocessing
import pickle
import queue
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import MappingProxyType
from typing import Any, Generic, TypeVar

Plan = TypeVar("Plan")


@dataclass(frozen=True)
class Stopped:
    """The worker's ``main`` returned: it sends nothing more."""


@dataclass(frozen=True)
class Failed:
    """The worker's ``main`` raised; it sends nothing more."""

    detail: str


@dataclass(frozen=True)
class Gone:
    """The worker's pipe closed without a word, or said something that cannot be read."""


ENDINGS = (Stopped, Failed, Gone)


class WorkerGoneError(Exception):
    """A message could not be sent: the worker's end of the pipe is closed."""

    def __init__(self, part: int) -> None:
        super().__init__(f"worker {part} is gone")
        self.part = part


def _read_only(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


def _reduce_read_only(mapping: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return _read_only, (dict(mapping),)


_REDUCERS = {**copyreg.dispatch_table, MappingProxyType: _reduce_read_only}


def dumps(message: object) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCERS
    pickler.dump(message)
    return buffer.getvalue()


class Channel:
    """One end of a worker's pipe."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def send(self, message: object) -> None:
        self.connection.send_bytes(dumps(message))

    def receive(self) -> Any:
        """The next message; ``EOFError`` when the other end closed."""
        return pickle.loads(self.connection.recv_bytes())  # from our own process group

    def close(self) -> None:
        self.connection.close()


def _serve(connection: Connection, main: Callable[[Channel, Any], None]) -> None:
    """A worker's life: read its plan, run ``main``, say how it ended."""
    channel = Channel(connection)
    try:
        main(channel, channel.receive())
    except EOFError:
        return  # the parent is gone
    except BaseException as error:  # reported to the parent, which decides what to do
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        with contextlib.suppress(OSError):  # the parent may be gone too
            channel.send(Failed(detail))
        return
    with contextlib.suppress(OSError):
        channel.send(Stopped())


class Workers(Generic[Plan]):
    def __init__(
        self, main: Callable[[Channel, Plan], None], plans: Sequence[Plan], name: str
    ) -> None:
        context = multiprocessing.get_context("spawn")
        self.processes: list[Any] = []
        self.channels: list[Channel] = []
        for part, plan in enumerate(plans):
            ours, theirs = context.Pipe()
            process = context.Process(
                target=_serve, args=(theirs, main), name=f"{name}-{part}", daemon=True
            )
            process.start()
            theirs.close()
            self.processes.append(process)
            self.channels.append(Channel(ours))
            self.send(part, plan)
        self.inbox: queue.Queue[tuple[int, Any]] = queue.Queue()
        self.listeners = [
            threading.Thread(
                target=self.listen, args=(part,), name=f"{name}-listener-{part}", daemon=True
            )
            for part in range(len(plans))
        ]
        for listener in self.listeners:
            listener.start()

    def __len__(self) -> int:
        return len(self.channels)

    def send(self, part: int, message: object) -> None:
        try:
            self.channels[part].send(message)
        except OSError:
            raise WorkerGoneError(part) from None

    def receive(self) -> tuple[int, Any]:
        """The next message from any worker, with the worker's number (waits for one)."""
        return self.inbox.get()

    def listen(self, part: int) -> None:
        channel = self.channels[part]
        while True:
            try:
                message = channel.receive()
            except Exception:  # the end of the pipe, or a message that cannot be read
                self.inbox.put((part, Gone()))
                return
            self.inbox.put((part, message))
            if isinstance(message, ENDINGS):
                return

    def close(self) -> None:
        """Stop the workers (those still waiting for work are ended) and the listeners."""
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
        for listener in self.listeners:
            listener.join(timeout=30)  # its worker is gone: it has read the end of the pipe
        for channel in self.channels:
            channel.close()
