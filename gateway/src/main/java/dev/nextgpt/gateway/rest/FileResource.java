package dev.nextgpt.gateway.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.nextgpt.contracts.messages.MediaRef;
import dev.nextgpt.gateway.ApiException;
import dev.nextgpt.gateway.MediaFormat;
import dev.nextgpt.gateway.service.MediaUploads;
import dev.nextgpt.objectstore.ObjectInfo;
import dev.nextgpt.objectstore.ObjectKeys;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Collection;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.multipart.FormValue;
import org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput;

/** Media inputs: upload once, reference by {@code file_id} in any number of jobs. */
@Path("/v1/files")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "files")
@SecurityRequirement(name = "apiKey")
public class FileResource {

    /** An uploaded media input. */
    public record FileView(String id, String object, String modality, @JsonProperty("content_type") String contentType,
            long size, String sha256) {
        static FileView of(MediaRef ref) {
            return new FileView(ObjectKeys.fileId(ref.sha256()), "file", ref.modality().wireName(), ref.contentType(),
                    ref.size(), ref.sha256());
        }
    }

    @Inject
    Caller caller;
    @Inject
    MediaUploads uploads;

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Upload a media input", description = "multipart/form-data with one 'file' field. The type "
            + "is read from the bytes (PNG, JPEG, WAV, MP3, FLAC, OGG, M4A, MP4, MOV), never from the name; each "
            + "modality has a size limit. The same bytes always give the same id.")
    @RequestBody(content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = FileView.class)))
    @APIResponse(responseCode = "413", description = "Larger than the modality's limit",
            content = @Content(schema = @Schema(implementation = ErrorMappers.ErrorBody.class)))
    @APIResponse(responseCode = "415", description = "Not a supported media format",
            content = @Content(schema = @Schema(implementation = ErrorMappers.ErrorBody.class)))
    public Response upload(MultipartFormDataInput form) {
        Map<String, Collection<FormValue>> values = form.getValues();
        Collection<FormValue> file = values.get("file");
        if (file == null || file.isEmpty()) {
            throw ApiException.invalid("file", "the multipart field 'file' is missing"
                    + (values.isEmpty() ? "" : " (the request has " + String.join(", ", values.keySet()) + ")"));
        }
        if (file.size() > 1 || values.size() > 1) {
            throw ApiException.invalid("file", "upload one file per request, in the field 'file'");
        }
        FormValue value = file.iterator().next();
        if (!value.isFileItem()) {
            throw ApiException.invalid("file", "must be a file part (curl -F file=@photo.png), not a text field");
        }
        var item = value.getFileItem();
        MediaRef ref = uploads.store(caller.tenant(), new MediaUploads.Upload() {
            @Override
            public long size() throws IOException {
                return item.getFileSize();
            }

            @Override
            public InputStream open() throws IOException {
                return item.getInputStream();
            }
        }, null, "file");
        FileView view = FileView.of(ref);
        return Response.created(URI.create("/v1/files/" + view.id())).entity(view).build();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "An uploaded file's metadata")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = FileView.class)))
    @APIResponse(responseCode = "404", description = "No such file for this API key",
            content = @Content(schema = @Schema(implementation = ErrorMappers.ErrorBody.class)))
    public FileView get(@PathParam("id") String id) {
        ApiException notFound = ApiException.notFound("file_not_found", "file '" + JobRequestReader.abbreviate(id)
                + "' not found");
        if (!id.matches("file-[0-9a-f]{64}")) {
            throw notFound;
        }
        ObjectInfo info = uploads.stat(ObjectKeys.uploadOfFileId(caller.tenant(), id)).orElseThrow(() -> notFound);
        MediaFormat format = MediaFormat.ofContentType(info.contentType()).orElseThrow(() -> notFound);
        String sha256 = ObjectKeys.sha256OfFileId(id);
        return new FileView(id, "file", format.modality().wireName(), format.contentType(), info.size(), sha256);
    }
}
