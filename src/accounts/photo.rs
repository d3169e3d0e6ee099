//! Checks on the ID-card photos students upload (front and back) for staff review.
//!
//! [`check_photo`] checks one uploaded photo. It is judged by its content, never by its file
//! name: the magic bytes decide the format (JPEG, PNG or GIF only), the file may be at most
//! [`MAX_PHOTO_BYTES`], the dimensions read from the header must be plausible for a photo and at
//! most [`MAX_PHOTO_PIXELS`], and the whole image must actually decode. The dimensions are checked
//! before the full decode, and the decode runs under dimension and allocation limits, so a
//! decompression bomb (a small file that decodes to a huge image: 62 KB of PNG can hold a 4096 ×
//! 4096 picture, 64 MB decoded) is refused without the memory ever being taken. A file whose header
//! cannot be read, or that says 0 pixels, is damaged, not the wrong size.

use std::io::Cursor;

use image::{ImageError, ImageFormat, ImageReader, Limits};

/// The largest photo accepted, in bytes (300 KB).
pub const MAX_PHOTO_BYTES: usize = 300 * 1024;

/// The smallest accepted width or height, in pixels.
pub const MIN_PHOTO_SIDE: u32 = 100;

/// The largest accepted width or height, in pixels.
pub const MAX_PHOTO_SIDE: u32 = 10_000;

/// The most pixels a photo may have: 12.5 megapixels, so a 12-megapixel phone photo (4032 ×
/// 3024) fits and decodes within [`MAX_DECODE_ALLOC`] even with an alpha channel.
pub const MAX_PHOTO_PIXELS: u64 = 12_500_000;

/// The most memory the decoder may allocate for one photo (48 MiB: [`MAX_PHOTO_PIXELS`] at 4
/// bytes a pixel, and a little room).
pub const MAX_DECODE_ALLOC: u64 = 48 * 1024 * 1024;

const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG_MAGIC: &[u8] = &[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
const GIF87_MAGIC: &[u8] = b"GIF87a";
const GIF89_MAGIC: &[u8] = b"GIF89a";

/// An accepted photo format, as identified from the file's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PhotoFormat {
    /// JPEG (`FF D8 FF`).
    Jpeg,
    /// PNG (`89 50 4E 47 0D 0A 1A 0A`).
    Png,
    /// GIF (`GIF87a` or `GIF89a`).
    Gif,
}

impl PhotoFormat {
    /// The canonical file extension for this format, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "jpg",
            PhotoFormat::Png => "png",
            PhotoFormat::Gif => "gif",
        }
    }

    /// The MIME type for this format.
    pub fn mime(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "image/jpeg",
            PhotoFormat::Png => "image/png",
            PhotoFormat::Gif => "image/gif",
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            PhotoFormat::Jpeg => ImageFormat::Jpeg,
            PhotoFormat::Png => ImageFormat::Png,
            PhotoFormat::Gif => ImageFormat::Gif,
        }
    }
}

/// A photo that passed every check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedPhoto {
    /// The format found from the content.
    pub format: PhotoFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Size of the file in bytes.
    pub bytes: usize,
}

/// Why a photo was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// The file has no content.
    #[error("the photo is empty")]
    Empty,
    /// The file is larger than the limit.
    #[error("the photo is {bytes} bytes, more than the {max} allowed")]
    TooLarge {
        /// Size of the file in bytes.
        bytes: usize,
        /// The largest size accepted.
        max: usize,
    },
    /// The content is not an image at all.
    #[error("the file is not an image")]
    NotAnImage,
    /// The content is an image, but in a format that is not accepted (e.g. BMP or WebP).
    #[error("the image format is not accepted")]
    UnsupportedFormat,
    /// The content claims to be an accepted format but does not decode.
    #[error("the image is damaged or incomplete")]
    Corrupt,
    /// The image is implausibly small or large.
    #[error("the image is {width}x{height} pixels, outside the accepted range")]
    Dimensions {
        /// Width in pixels, as read from the header.
        width: u32,
        /// Height in pixels, as read from the header.
        height: u32,
    },
    /// The image has more pixels than [`MAX_PHOTO_PIXELS`], or would take more memory than
    /// [`MAX_DECODE_ALLOC`] to decode.
    #[error("the image is {width}x{height} pixels, more than can be decoded")]
    TooManyPixels {
        /// Width in pixels, as read from the header.
        width: u32,
        /// Height in pixels, as read from the header.
        height: u32,
    },
}

impl PhotoError {
    /// The fluent message id that explains this refusal to the student.
    pub fn message_id(&self) -> &'static str {
        match self {
            PhotoError::Empty => "photo-empty",
            PhotoError::TooLarge { .. } => "photo-too-large",
            PhotoError::NotAnImage => "photo-not-image",
            PhotoError::UnsupportedFormat => "photo-unsupported-format",
            PhotoError::Corrupt => "photo-corrupt",
            PhotoError::Dimensions { .. } => "photo-dimensions",
            PhotoError::TooManyPixels { .. } => "photo-too-many-pixels",
        }
    }

    /// The variables of [`Self::message_id`]'s message (sizes in KB, dimensions in pixels).
    pub fn message_args(&self) -> Vec<(&'static str, fluent_bundle::FluentValue<'static>)> {
        match self {
            PhotoError::TooLarge { bytes, max } => vec![
                ("kb", (bytes.div_ceil(1024) as i64).into()),
                ("max", ((*max / 1024) as i64).into()),
            ],
            PhotoError::Dimensions { width, height } => vec![
                ("width", i64::from(*width).into()),
                ("height", i64::from(*height).into()),
            ],
            PhotoError::TooManyPixels { width, height } => vec![
                ("width", i64::from(*width).into()),
                ("height", i64::from(*height).into()),
                ("megapixels", (MAX_PHOTO_PIXELS as f64 / 1e6).into()),
            ],
            PhotoError::Empty
            | PhotoError::NotAnImage
            | PhotoError::UnsupportedFormat
            | PhotoError::Corrupt => Vec::new(),
        }
    }
}

/// Checks one uploaded photo by its content and returns what was found; the error says why it was
/// refused, in words for the student ([`PhotoError::message_id`] and
/// [`PhotoError::message_args`]).
///
/// The checks run in order: empty, size, magic bytes, dimensions from the header (0 pixels means
/// damaged), the pixel count, then a full decode under dimension and allocation limits.
pub fn check_photo(bytes: &[u8]) -> Result<CheckedPhoto, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge {
            bytes: bytes.len(),
            max: MAX_PHOTO_BYTES,
        });
    }
    let format = sniff_format(bytes)?;

    // Dimensions from the header only; no pixel buffer is allocated here. The width and height
    // limits are deliberately left unset so the decoder reports the dimensions to us.
    let mut header_limits = Limits::default();
    header_limits.max_alloc = Some(MAX_DECODE_ALLOC);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(header_limits);
    let (width, height) = reader.into_dimensions().map_err(|_| PhotoError::Corrupt)?;
    // A header cut short or zeroed reads as 0 pixels: that is a damaged file, not a size to report.
    if width == 0 || height == 0 {
        return Err(PhotoError::Corrupt);
    }
    if !side_ok(width) || !side_ok(height) {
        return Err(PhotoError::Dimensions { width, height });
    }
    if u64::from(width) * u64::from(height) > MAX_PHOTO_PIXELS {
        return Err(PhotoError::TooManyPixels { width, height });
    }

    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    limits.max_image_width = Some(MAX_PHOTO_SIDE);
    limits.max_image_height = Some(MAX_PHOTO_SIDE);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(limits);
    let image = reader.decode().map_err(|e| match e {
        ImageError::Limits(_) => PhotoError::TooManyPixels { width, height },
        _ => PhotoError::Corrupt,
    })?;
    if image.width() != width || image.height() != height {
        return Err(PhotoError::Corrupt);
    }
    // The JPEG decoder fills in missing data instead of failing, so a truncated JPEG would decode;
    // require the end-of-image marker after the last scan.
    if format == PhotoFormat::Jpeg && !jpeg_scan_is_complete(bytes) {
        return Err(PhotoError::Corrupt);
    }

    Ok(CheckedPhoto {
        format,
        width,
        height,
        bytes: bytes.len(),
    })
}

/// Whether an end-of-image marker (`FF D9`) follows the last start-of-scan marker (`FF DA`).
///
/// Inside entropy-coded data every `FF` byte is followed by `00` or a restart marker, so these
/// two markers cannot occur there by accident. Bytes after the end-of-image marker are allowed.
fn jpeg_scan_is_complete(bytes: &[u8]) -> bool {
    match bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]) {
        Some(sos) => bytes[sos + 2..].windows(2).any(|w| w == [0xFF, 0xD9]),
        None => false,
    }
}

fn side_ok(side: u32) -> bool {
    (MIN_PHOTO_SIDE..=MAX_PHOTO_SIDE).contains(&side)
}

/// Identifies the format from the magic bytes alone.
fn sniff_format(bytes: &[u8]) -> Result<PhotoFormat, PhotoError> {
    if bytes.starts_with(JPEG_MAGIC) {
        Ok(PhotoFormat::Jpeg)
    } else if bytes.starts_with(PNG_MAGIC) {
        Ok(PhotoFormat::Png)
    } else if bytes.starts_with(GIF87_MAGIC) || bytes.starts_with(GIF89_MAGIC) {
        Ok(PhotoFormat::Gif)
    } else if is_other_image(bytes) {
        Err(PhotoError::UnsupportedFormat)
    } else {
        Err(PhotoError::NotAnImage)
    }
}

/// Recognises common image formats that are not accepted.
fn is_other_image(bytes: &[u8]) -> bool {
    // BMP: "BM", a 4-byte file size, then 4 reserved bytes that are zero.
    let bmp = bytes.len() >= 14 && bytes.starts_with(b"BM") && bytes[6..10] == [0, 0, 0, 0];
    // WebP: "RIFF", a 4-byte size, then "WEBP".
    let webp = bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP";
    // TIFF, little- and big-endian.
    let tiff = bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*");
    // HEIC / HEIF / AVIF: an ISO-BMFF "ftyp" box with an image brand.
    let heif = bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(
            &bytes[8..12],
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" | b"avif"
        );
    bmp || webp || tiff || heif
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Luma, Rgb};

    fn encode(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let img = ImageBuffer::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                let mask = (crc & 1).wrapping_neg();
                crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
            }
        }
        !crc
    }

    fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }

    /// A PNG that is only a header: IHDR with the given dimensions, an empty IDAT and IEND.
    fn png_header_only(width: u32, height: u32) -> Vec<u8> {
        let mut out = PNG_MAGIC.to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&width.to_be_bytes());
        ihdr.extend_from_slice(&height.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
        png_chunk(&mut out, b"IHDR", &ihdr);
        png_chunk(&mut out, b"IDAT", &[]);
        png_chunk(&mut out, b"IEND", &[]);
        out
    }

    #[test]
    fn valid_png_passes() {
        let bytes = encode(320, 200, ImageFormat::Png);
        let checked = check_photo(&bytes).unwrap();
        assert_eq!(checked.format, PhotoFormat::Png);
        assert_eq!((checked.width, checked.height), (320, 200));
        assert_eq!(checked.bytes, bytes.len());
    }

    #[test]
    fn valid_jpeg_passes() {
        let bytes = encode(400, 300, ImageFormat::Jpeg);
        let checked = check_photo(&bytes).unwrap();
        assert_eq!(checked.format, PhotoFormat::Jpeg);
        assert_eq!((checked.width, checked.height), (400, 300));
    }

    #[test]
    fn valid_gif_passes() {
        let img = ImageBuffer::from_fn(150, 120, |x, y| {
            image::Rgba([(x % 256) as u8, (y % 256) as u8, 0, 255])
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Gif).unwrap();
        let bytes = out.into_inner();
        let checked = check_photo(&bytes).unwrap();
        assert_eq!(checked.format, PhotoFormat::Gif);
        assert_eq!((checked.width, checked.height), (150, 120));
    }

    /// A real JPEG padded with zeros after its EOI marker to exactly `size` bytes.
    fn padded_jpeg(size: usize) -> Vec<u8> {
        let mut bytes = encode(640, 480, ImageFormat::Jpeg);
        assert!(bytes.len() < size);
        assert_eq!(
            &bytes[bytes.len() - 2..],
            &[0xFF, 0xD9],
            "JPEG must end in EOI"
        );
        bytes.resize(size, 0);
        bytes
    }

    #[test]
    fn exactly_the_limit_passes() {
        let bytes = padded_jpeg(MAX_PHOTO_BYTES);
        assert_eq!(bytes.len(), 300 * 1024);
        // The padded file is a real, decodable image, independently of check_photo.
        let decoded = image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (640, 480));
        let checked = check_photo(&bytes).unwrap();
        assert_eq!(checked.format, PhotoFormat::Jpeg);
        assert_eq!(checked.bytes, MAX_PHOTO_BYTES);
        assert_eq!((checked.width, checked.height), (640, 480));
    }

    #[test]
    fn one_byte_over_the_limit_is_refused() {
        let bytes = padded_jpeg(MAX_PHOTO_BYTES + 1);
        assert_eq!(
            check_photo(&bytes),
            Err(PhotoError::TooLarge {
                bytes: MAX_PHOTO_BYTES + 1,
                max: MAX_PHOTO_BYTES,
            })
        );
    }

    #[test]
    fn png_renamed_jpg_is_judged_by_content() {
        // The name would say .jpg; only the bytes are given, and they are a PNG.
        let bytes = encode(200, 200, ImageFormat::Png);
        let checked = check_photo(&bytes).unwrap();
        assert_eq!(checked.format, PhotoFormat::Png);
        assert_eq!(checked.format.extension(), "png");
        assert_eq!(checked.format.mime(), "image/png");
    }

    #[test]
    fn text_file_is_not_an_image() {
        let err = check_photo(b"hello, this is not a photo").unwrap_err();
        assert_eq!(err, PhotoError::NotAnImage);
        assert_eq!(err.message_id(), "photo-not-image");
    }

    #[test]
    fn empty_file_is_refused() {
        let err = check_photo(&[]).unwrap_err();
        assert_eq!(err, PhotoError::Empty);
        assert_eq!(err.message_id(), "photo-empty");
    }

    #[test]
    fn truncated_png_is_corrupt() {
        // Noise so the compressed data is long enough to cut in the middle of IDAT.
        let mut state = 0x1234_5678u32;
        let img = ImageBuffer::from_fn(300, 300, |_, _| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            Luma([(state & 0xFF) as u8])
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        let bytes = out.into_inner();
        assert!(check_photo(&bytes).is_ok());
        let truncated = &bytes[..bytes.len() / 2];
        let err = check_photo(truncated).unwrap_err();
        assert_eq!(err, PhotoError::Corrupt);
        assert_eq!(err.message_id(), "photo-corrupt");
    }

    #[test]
    fn truncated_jpeg_is_corrupt() {
        let bytes = encode(640, 480, ImageFormat::Jpeg);
        assert!(check_photo(&bytes).is_ok());
        let truncated = &bytes[..bytes.len() / 2];
        assert_eq!(check_photo(truncated), Err(PhotoError::Corrupt));
        // Without just the final EOI marker, too.
        assert_eq!(
            check_photo(&bytes[..bytes.len() - 2]),
            Err(PhotoError::Corrupt)
        );
    }

    #[test]
    fn truncated_gif_is_corrupt() {
        let bytes = encode(300, 300, ImageFormat::Gif);
        assert!(check_photo(&bytes).is_ok());
        assert_eq!(
            check_photo(&bytes[..bytes.len() / 2]),
            Err(PhotoError::Corrupt)
        );
    }

    #[test]
    fn bmp_is_unsupported() {
        let mut bmp = b"BM".to_vec();
        bmp.extend_from_slice(&70u32.to_le_bytes()); // file size
        bmp.extend_from_slice(&[0, 0, 0, 0]); // reserved
        bmp.extend_from_slice(&54u32.to_le_bytes()); // pixel data offset
        bmp.extend_from_slice(&40u32.to_le_bytes()); // BITMAPINFOHEADER size
        bmp.extend_from_slice(&[0; 36]);
        let err = check_photo(&bmp).unwrap_err();
        assert_eq!(err, PhotoError::UnsupportedFormat);
        assert_eq!(err.message_id(), "photo-unsupported-format");
    }

    #[test]
    fn webp_is_unsupported() {
        let mut webp = b"RIFF".to_vec();
        webp.extend_from_slice(&100u32.to_le_bytes());
        webp.extend_from_slice(b"WEBPVP8 ");
        webp.extend_from_slice(&[0; 20]);
        assert_eq!(check_photo(&webp), Err(PhotoError::UnsupportedFormat));
    }

    #[test]
    fn huge_dimensions_are_refused_from_the_header() {
        let bytes = png_header_only(5000, 20_000);
        // A few dozen bytes claiming a 300 MB image: refused before any pixel buffer exists.
        assert!(bytes.len() < 100);
        let err = check_photo(&bytes).unwrap_err();
        assert_eq!(
            err,
            PhotoError::Dimensions {
                width: 5000,
                height: 20_000
            }
        );
        assert_eq!(err.message_id(), "photo-dimensions");
    }

    #[test]
    fn tiny_image_is_refused() {
        let bytes = encode(10, 10, ImageFormat::Png);
        assert_eq!(
            check_photo(&bytes),
            Err(PhotoError::Dimensions {
                width: 10,
                height: 10
            })
        );
    }

    #[test]
    fn message_ids_are_distinct() {
        let all = [
            PhotoError::Empty,
            PhotoError::TooLarge { bytes: 1, max: 0 },
            PhotoError::NotAnImage,
            PhotoError::UnsupportedFormat,
            PhotoError::Corrupt,
            PhotoError::Dimensions {
                width: 0,
                height: 0,
            },
        ];
        let mut ids: Vec<_> = all.iter().map(PhotoError::message_id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
    }

    #[test]
    fn format_extensions_and_mimes() {
        assert_eq!(PhotoFormat::Jpeg.extension(), "jpg");
        assert_eq!(PhotoFormat::Gif.extension(), "gif");
        assert_eq!(PhotoFormat::Jpeg.mime(), "image/jpeg");
        assert_eq!(PhotoFormat::Gif.mime(), "image/gif");
    }

    /// A PNG of one colour: deflate shrinks it about a thousandfold, the way a decompression bomb
    /// is made.
    fn flat_png(width: u32, height: u32, color: image::ExtendedColorType) -> Vec<u8> {
        use image::ImageEncoder;
        use image::codecs::png::{CompressionType, FilterType, PngEncoder};
        let raw = vec![0u8; width as usize * height as usize * color.bits_per_pixel() as usize / 8];
        let mut out = Vec::new();
        PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::NoFilter)
            .write_image(&raw, width, height, color)
            .unwrap();
        out
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_it_is_decoded() {
        // 64 KB of file, 64 MiB of pixels.
        let bomb = flat_png(4096, 4096, image::ExtendedColorType::Rgba8);
        assert!(bomb.len() < 70 * 1024, "{} bytes", bomb.len());
        let err = check_photo(&bomb).unwrap_err();
        assert_eq!(
            err,
            PhotoError::TooManyPixels {
                width: 4096,
                height: 4096
            }
        );
        assert_eq!(err.message_id(), "photo-too-many-pixels");
        let args = err.message_args();
        assert!(args.iter().any(|(name, _)| *name == "megapixels"));
    }

    #[test]
    fn a_picture_within_the_pixels_but_too_big_to_decode_is_refused() {
        // 7.5 megapixels, but 16 bits a channel: 60 MB decoded, over the allocation limit.
        let deep = flat_png(3000, 2500, image::ExtendedColorType::Rgba16);
        assert!(deep.len() < MAX_PHOTO_BYTES);
        assert_eq!(
            check_photo(&deep),
            Err(PhotoError::TooManyPixels {
                width: 3000,
                height: 2500
            })
        );
    }

    #[test]
    fn a_twelve_megapixel_phone_photo_fits() {
        let photo = flat_png(4032, 3024, image::ExtendedColorType::Rgba8);
        let checked = check_photo(&photo).unwrap();
        assert_eq!((checked.width, checked.height), (4032, 3024));
    }

    fn gif(width: u32, height: u32) -> Vec<u8> {
        let img = ImageBuffer::from_fn(width, height, |x, y| {
            image::Rgba([(x % 256) as u8, (y % 256) as u8, 0, 255])
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Gif).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_gif_whose_screen_says_zero_pixels_is_damaged_not_zero_by_zero() {
        let mut bytes = gif(200, 150);
        assert!(check_photo(&bytes).is_ok());
        // The logical screen's width and height, right after the signature.
        bytes[6..10].fill(0);
        let err = check_photo(&bytes).unwrap_err();
        assert_eq!(err, PhotoError::Corrupt);
        assert_eq!(err.message_id(), "photo-corrupt");
    }

    #[test]
    fn photos_cut_anywhere_are_damaged() {
        let images = [
            gif(200, 150),
            encode(320, 240, ImageFormat::Png),
            encode(320, 240, ImageFormat::Jpeg),
        ];
        for bytes in &images {
            assert!(check_photo(bytes).is_ok());
            for cut in [8, 10, 13, 24, 40, bytes.len() / 3, bytes.len() * 2 / 3] {
                assert_eq!(
                    check_photo(&bytes[..cut]),
                    Err(PhotoError::Corrupt),
                    "cut at {cut} of {}",
                    bytes.len()
                );
            }
        }
    }
}
