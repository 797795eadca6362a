import signal, subprocess, sys, os
def test_sig():
    out = subprocess.run([sys.executable, "-c", "import signal; print(signal.getsignal(signal.SIGINT))"], capture_output=True, text=True).stdout
    open("/tmp/sig.txt", "a").write(f"{os.getpid()} PARENT {signal.getsignal(signal.SIGINT)} CHILD {out}")
