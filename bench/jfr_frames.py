# Sums a JFR recording's execution samples per thread group, per top frame and per frame found anywhere in the stack:
#   python3 bench/jfr_frames.py file.jfr [thread-name-prefix] [top-N]
# (jfr print truncates stacks at 64 frames by default; --stack-depth raises it.)
import collections, re, subprocess, sys
path = sys.argv[1]; only = sys.argv[2] if len(sys.argv) > 2 else ""; n = int(sys.argv[3]) if len(sys.argv) > 3 else 40
text = subprocess.run(["jfr", "print", "--stack-depth", "200", "--events", "jdk.ExecutionSample", path],
                      capture_output=True, text=True, check=True).stdout
threads, top, anywhere, total = collections.Counter(), collections.Counter(), collections.Counter(), 0
for ev in text.split("jdk.ExecutionSample")[1:]:
    m = re.search(r'sampledThread = "([^"]*)"', ev)
    name = re.sub(r'\d+$', 'N', m.group(1)) if m else "?"
    if not name.startswith(only):
        continue
    frames = [re.sub(r'\(.*', '', f.strip()) for f in re.findall(r'^\s+(\S+\(.*\)) line:', ev, re.M)]
    if not frames:
        continue
    total += 1; threads[name] += 1; top[frames[0]] += 1
    for f in set(frames):
        anywhere[f] += 1
print(f"{total} samples")
for k, v in threads.most_common(10): print(f"{v:6d} {v*100/total:5.1f}%  thread {k}")
print("-- top frames")
for k, v in top.most_common(n): print(f"{v:6d} {v*100/total:5.1f}%  {k}")
print("-- anywhere in the stack")
for k, v in anywhere.most_common(n * 3): print(f"{v:6d} {v*100/total:5.1f}%  {k}")
