output "table_name" {
  description = "Name of the DynamoDB table."
  value       = aws_dynamodb_table.requests.name
}

output "table_arn" {
  description = "ARN of the DynamoDB table."
  value       = aws_dynamodb_table.requests.arn
}

output "open_command" {
  description = "The dynamo-explorer command that opens this table."
  value = (
    local.local_engine
    ? "dynamo-explorer --endpoint ${var.dynamodb_endpoint} --table ${aws_dynamodb_table.requests.name}"
    : "dynamo-explorer --aws --region ${var.region} --table ${aws_dynamodb_table.requests.name}"
  )
}
