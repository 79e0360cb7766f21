import sys

from airbyte_cdk.entrypoint import launch
from source_tasklist import SourceTasklist


def run():
    source = SourceTasklist()
    launch(source, sys.argv[1:])
