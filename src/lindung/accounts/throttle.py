"""Failed sign-ins and request rates, counted in this process (thread-safe)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class Throttle:
    """Failed sign-ins, in-process and thread-safe: exponential back-off per account, and a
    much higher ceiling per client address.

    An account may fail ``free`` times freely; from then on each further attempt (even with the
    right password) must wait ``base`` seconds after the last failure, doubling with every
    failure up to ``cap``. So a guesser gets a handful of tries an hour on an account, while
    the rest of an office behind the same address signs in as usual: the address is only
    stopped after ``address_limit`` failures within ``window`` seconds, far more than honest
    typing errors. Success clears the account's record.
    """

    def __init__(self, *, free: int = 5, base: float = 30.0, cap: float = 900.0,
                 address_limit: int = 100, window: float = 900.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.base, self.cap = free, base, cap
        self.address_limit, self.window, self.clock = address_limit, window, clock
        self._accounts: dict[str, tuple[int, float]] = {}
        self._addresses: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _address_failures(self, address: str) -> deque[float]:
        now = self.clock()
        failures = self._addresses.setdefault(address, deque())
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def wait(self, account: str, address: str) -> float:
        """Seconds to wait before this account may try again from this address (0: now)."""
        with self._lock:
            if len(self._address_failures(address)) >= self.address_limit:
                return self.window
            count, last = self._accounts.get(account, (0, 0.0))
            if count < self.free:
                return 0.0
            delay: float = min(self.base * 2.0 ** (count - self.free), self.cap)
            return float(max(0.0, last + delay - self.clock()))

    def fail(self, account: str, address: str) -> None:
        with self._lock:
            now = self.clock()
            count, last = self._accounts.get(account, (0, now))
            if now - last > 24 * 3600:
                count = 0  # a mistake of yesterday does not count against today
            self._accounts[account] = (count + 1, now)
            self._address_failures(address).append(now)

    def succeed(self, account: str) -> None:
        with self._lock:
            self._accounts.pop(account, None)

    def clear(self) -> None:
        with self._lock:
            self._accounts.clear()
            self._addresses.clear()


def wait_words(seconds: float) -> str:
    """``90.0`` -> ``"2 menit"``: how long to wait, in words."""
    minutes = int(-(-seconds // 60))
    return f"{minutes} menit" if minutes > 1 else "1 menit"


class RateLimiter:
    """A sliding one-minute window of calls per key (API tokens); in-process, thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, per_minute: int) -> bool:
        with self._lock:
            now = self.clock()
            calls = self._calls.setdefault(key, deque())
            while calls and now - calls[0] > 60.0:
                calls.popleft()
            if len(calls) >= per_minute:
                return False
            calls.append(now)
            return True


sign_in_throttle = Throttle()
token_limiter = RateLimiter()
