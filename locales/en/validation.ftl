# Why a typed ID number, mobile number, e-mail or an uploaded photo was not accepted.

id-number-empty = Please enter your 18-character ID number.
id-number-length = An ID number has 18 characters; you entered { $found }. Please check it and try again.
id-number-digits = Character { $position } of the ID number is wrong: the first 17 must be digits and the last one a digit or X.
id-number-region = The first 6 digits (the region code) of the ID number are not valid. Please check them.
id-number-birth-date = Digits 7–14 of the ID number are not a valid date of birth. Please check them.
id-number-future = The date of birth in the ID number is in the future. Please check it.
id-number-check = The last character (the check character) of the ID number does not match. Please check every digit and try again.
mobile-empty = Please enter your 11-digit mobile number.
mobile-length = A mobile number has 11 digits; you entered { $found }.
mobile-digits = A mobile number may contain digits only.
mobile-prefix = This is not a valid mainland China mobile number. Please check the first two digits.
email-invalid = This e-mail address is not valid. Please check it (for example name@example.com).
photo-empty = No picture arrived. Please upload it again.
photo-too-large = The picture is { $kb } KB, more than the { $max } KB allowed. Please compress it and upload it again.
photo-not-image = This file is not a picture. Please upload a jpg, jpeg, png or gif photo.
photo-unsupported-format = Only jpg, jpeg, png and gif are accepted. Please convert the picture and upload it again.
photo-corrupt = The picture is damaged or incomplete and cannot be opened. Please take it again and upload it.
photo-dimensions = The picture size does not fit ({ $width }×{ $height } pixels). Please upload a clear photo showing you holding your whole ID card.
