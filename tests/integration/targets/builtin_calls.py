# Threads each waiting in a different built-in, called each way CPython can call one: a module's
# function (time.sleep, CALL), a C type's method (sock.recv), with keywords (lock.acquire,
# CALL_KW), with unpacked arguments (time.sleep(*args, **kwargs), CALL_FUNCTION_EX) and a built-in
# bound to its object, taken as a value first. The oracle maps each thread's native id to the
# built-in it waits in.
import socket
import threading
import time
import aps_target

waiting = {}
started = threading.Barrier(5)  # the four threads and the main one


def sleeping():  # the main thread's, called last
    time.sleep(aps_target.FOREVER)


def receiving():
    a, _b = socket.socketpair()
    waiting[threading.get_native_id()] = "_socket.socket.recv"
    started.wait()
    a.recv(16)


def acquiring_with_keywords():
    lock = threading.Lock()
    lock.acquire()
    waiting[threading.get_native_id()] = "_thread.lock.acquire"
    started.wait()
    lock.acquire(True, timeout=aps_target.FOREVER)


def unpacking():
    waiting[threading.get_native_id()] = "time.sleep"
    started.wait()
    time.sleep(*[aps_target.FOREVER], **{})


def bound_first():
    lock = threading.Lock()
    lock.acquire()
    acquire = lock.acquire
    waiting[threading.get_native_id()] = "_thread.lock.acquire"
    started.wait()
    acquire()


for f in (receiving, acquiring_with_keywords, unpacking, bound_first):
    threading.Thread(target=f, daemon=True).start()
started.wait()
time.sleep(0.3)  # each thread has made its call
waiting[threading.get_native_id()] = "time.sleep"
aps_target.announce_ready({str(tid): name for tid, name in waiting.items()})
sleeping()
