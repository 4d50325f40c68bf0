"""Extract: identity (institution, region, year) and indicator figures of each document."""

from dagster import AssetExecutionContext, asset

from pipelines.stages import Extraction, ReadBatch, extract_documents


@asset(
    group_name="extract", description="Identity and indicator facts per distinct document, with provenance."
)
def extracted_facts(context: AssetExecutionContext, parsed_documents: ReadBatch) -> Extraction:
    extraction = extract_documents(parsed_documents.documents, parsed_documents.rejections)
    context.add_output_metadata(
        {
            "documents": len(extraction.documents),
            "facts": len(extraction.facts),
            "rejected_files": len(extraction.rejections),
        }
    )
    return extraction
