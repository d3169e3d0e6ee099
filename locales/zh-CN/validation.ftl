# Why a typed ID number, mobile number, e-mail or an uploaded photo was not accepted.

id-number-empty = 请输入您的 18 位身份证号码。
id-number-length = 身份证号码应为 18 位，您输入了 { $found } 位，请核对后重新输入。
id-number-digits = 身份证号码第 { $position } 位有误：前 17 位只能是数字，最后一位是数字或 X。
id-number-region = 身份证号码的前 6 位（地区码）不正确，请核对。
id-number-birth-date = 身份证号码第 7–14 位的出生日期不是一个有效日期，请核对。
id-number-future = 身份证号码中的出生日期晚于今天，请核对。
id-number-check = 身份证号码最后一位校验码不正确，请逐位核对后重新输入。
mobile-empty = 请输入 11 位手机号码。
mobile-length = 手机号码应为 11 位，您输入了 { $found } 位。
mobile-digits = 手机号码只能包含数字。
mobile-prefix = 这不是有效的中国大陆手机号码，请核对前两位。
email-invalid = 邮箱地址格式不正确，请核对（例如 name@example.com）。
photo-empty = 没有收到图片内容，请重新上传。
photo-too-large = 图片有 { $kb } KB，超过了 { $max } KB 的上限，请压缩后重新上传。
photo-not-image = 这个文件不是图片，请上传 jpg、jpeg、png 或 gif 格式的照片。
photo-unsupported-format = 只支持 jpg、jpeg、png 和 gif 格式，请转换格式后重新上传。
photo-corrupt = 图片已损坏或不完整，无法打开，请重新拍摄上传。
photo-dimensions = 图片尺寸不合适（{ $width }×{ $height } 像素），请上传清晰、完整的手持证件照。
