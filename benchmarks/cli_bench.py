"""How quickly a ``swfkit`` command answers, against a boto3 one-liner doing the same call.

Each run is a fresh interpreter (what a user or a shell script pays): ``python -m swfkit domain
list --json`` against ``python -c "import boto3; boto3.client('swf').list_domains(...)"``, both
on the same embedded server, interleaved, several rounds. Prints medians and the ratio.

    python benchmarks/cli_bench.py [rounds]
"""
from __future__ import annotations

import os
import pathlib
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BOTO3 = ("import boto3, json; c = boto3.client('swf', endpoint_url=%r, region_name='us-east-1', "
         "aws_access_key_id='x', aws_secret_access_key='y'); "
         "print(json.dumps(c.list_domains(registrationStatus='REGISTERED')['domainInfos']))")


def timed(argv, env) -> float:
    begun = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - begun


def main(rounds: int) -> None:
    from swfkit.server import running

    with running(db=None, poll_timeout=1.0) as url:
        env = dict(os.environ, PYTHONPATH=str(REPO), AWS_ENDPOINT_URL_SWF=url, AWS_ACCESS_KEY_ID="x",
                   AWS_SECRET_ACCESS_KEY="y", AWS_DEFAULT_REGION="us-east-1")
        subprocess.run([sys.executable, "-m", "swfkit", "domain", "register", "bench"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        swfkit_times, boto3_times = [], []
        for _ in range(rounds):
            swfkit_times.append(timed([sys.executable, "-m", "swfkit", "domain", "list", "--json"], env))
            boto3_times.append(timed([sys.executable, "-c", BOTO3 % url], env))
    ours, theirs = statistics.median(swfkit_times), statistics.median(boto3_times)
    print("swfkit domain list --json : median %.0f ms over %d runs" % (ours * 1000, rounds))
    print("boto3 list_domains script : median %.0f ms over %d runs" % (theirs * 1000, rounds))
    print("ratio boto3 / swfkit      : %.2fx (above 1: swfkit answers sooner)" % (theirs / ours))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
