"""LocalStack ready hook: creates PeakCart's DynamoDB tables from the one definition.

Reads shared/infra/resources.json (mounted at /etc/peakcart/infra) and creates every table the
no-Docker stack creates, with the same names (peakcart-<STAGE>-<table>), keys, index and TTL.
`python3 create-tables.py --dry-run [resources.json]` prints the tables instead of creating them.
"""

import json
import os
import sys

DEFAULT_RESOURCES = "/etc/peakcart/infra/resources.json"


def table_requests(resources, stage):
    for table in resources["tables"]:
        keys = ["pk", "sk"]
        has_gsi1 = "gsi1" in table["indexes"]
        attributes = keys + (["gsi1pk", "gsi1sk"] if has_gsi1 else [])
        request = {
            "TableName": f"{resources['service']}-{stage}-{table['name']}",
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": name, "AttributeType": "S"} for name in attributes],
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
        }
        if has_gsi1:
            request["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": "gsi1",
                    "KeySchema": [
                        {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                        {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ]
        yield request, table["ttlAttribute"]


def main(argv):
    dry_run = "--dry-run" in argv
    paths = [arg for arg in argv if not arg.startswith("--")]
    with open(paths[0] if paths else DEFAULT_RESOURCES, encoding="utf-8") as file:
        resources = json.load(file)
    stage = os.environ.get("STAGE", "dev")
    requests = list(table_requests(resources, stage))
    if dry_run:
        print(json.dumps([{"request": request, "ttlAttribute": ttl} for request, ttl in requests], indent=2))
        return
    import boto3  # LocalStack's interpreter ships it.

    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url="http://localhost:4566",
        region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    existing = set(dynamodb.list_tables()["TableNames"])
    for request, ttl in requests:
        if request["TableName"] in existing:
            continue
        dynamodb.create_table(**request)
        if ttl:
            dynamodb.update_time_to_live(
                TableName=request["TableName"],
                TimeToLiveSpecification={"AttributeName": ttl, "Enabled": True},
            )
        print(f"created {request['TableName']}")


if __name__ == "__main__":
    main(sys.argv[1:])
