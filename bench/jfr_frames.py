# Sums a JFR recording's execution samples per thread group, per top frame and per frame found anywhere in the stack:
#   python3 bench/jfr_frames.py file.jfr [thread-name-prefix] [top-N]
# (jfr print truncates stacks at 64 frames by default; --stack-depth raises it.)
# ALLOC=1 sums allocation instead: jdk.ObjectAllocationSample events weighted by their bytes (figures are MB), which
# moves far less with the machine's load than CPU samples do.
import collections, os, re, subprocess, sys
path = sys.argv[1]; only = sys.argv[2] if len(sys.argv) > 2 else ""; n = int(sys.argv[3]) if len(sys.argv) > 3 else 40
alloc = os.environ.get("ALLOC") == "1"
event = "jdk.ObjectAllocationSample" if alloc else "jdk.ExecutionSample"
text = subprocess.run(["jfr", "print", "--stack-depth", "200", "--events", event, path],
                      capture_output=True, text=True, check=True).stdout
units = {"bytes": 1e-6, "kB": 1e-3, "MB": 1, "GB": 1e3}
def weight(ev):
    if not alloc:
        return 1
    m = re.search(r'weight = ([\d.]+) (bytes|kB|MB|GB)', ev)
    return float(m.group(1)) * units[m.group(2)] if m else 0
threads, top, anywhere, total = collections.Counter(), collections.Counter(), collections.Counter(), 0
for ev in text.split(event + " {")[1:]:
    m = re.search(r'(?:sampledThread|eventThread) = "([^"]*)"', ev)
    name = re.sub(r'\d+$', 'N', m.group(1)) if m else "?"
    if not name.startswith(only):
        continue
    frames = [re.sub(r'\(.*', '', f.strip()) for f in re.findall(r'^\s+(\S+\(.*\)) line:', ev, re.M)]
    if not frames:
        continue
    w = weight(ev)
    if alloc:
        m = re.search(r'objectClass = (\S+)', ev)
        frames.insert(0, "new " + (m.group(1) if m else "?"))
    total += w; threads[name] += w; top[frames[0]] += w
    for f in set(frames):
        anywhere[f] += w
print(f"{total:.0f} {'MB allocated (sampled)' if alloc else 'samples'}")
for k, v in threads.most_common(10): print(f"{v:6.0f} {v*100/total:5.1f}%  thread {k}")
print("-- top frames")
for k, v in top.most_common(n): print(f"{v:6.0f} {v*100/total:5.1f}%  {k}")
print("-- anywhere in the stack")
for k, v in anywhere.most_common(n * 3): print(f"{v:6.0f} {v*100/total:5.1f}%  {k}")
