# Guided dialogs: duplicate ID diagnosis, username and password recovery, verification routes.

dialog-duplicate-id-title = 帮我判断/处理
dup-which-message = 填写证件号码后，注册页面显示的是哪一条提示？点选下面的一项，也可以直接把提示文字发给我。
dup-btn-registered = “证件号码已被注册”
dup-btn-pending = “证件号码重复待审核，不能再次注册此证件号码”
dup-btn-not-sure = 不确定，帮我查一下
dup-ask-id = 请输入您的 18 位身份证号码，我来查一下它现在的注册状态。
dup-free = 这个证件号码目前没有被注册，可以直接注册账号。
dup-pending = 这是“证件号码重复待审核”：这个证件号码已被多个账号使用，正在等待客服审核，所以暂时不能再注册新账号。
    请这样处理：
    1. 用您已有的账号登录（忘了用户名可以先找回）；
    2. 在“证件重复-客服审核”中上传审核材料；
    3. 客服会在 3 个工作日内处理，可以随时查看审核进度。
dup-btn-find-username = 找回用户名
dup-btn-upload = 上传审核照片
dup-btn-check-status = 查看审核进度
dup-btn-done = 我知道了
dup-registered = 这是“证件号码已被注册”：之前已有账号使用了这个证件号码。您以前用这个证件号码注册过账号吗？（用过学信档案、图像校对、研招网或征兵报名，一般就注册过）
dup-btn-registered-before = 注册过 / 可能注册过
dup-btn-never = 从没注册过
dup-recover = 建议先找回原来的账号，这样最省事：可以找回用户名，或者重置密码。
dup-btn-reset-password = 重置密码
dup-btn-cannot-recover = 找不回来
dup-reregister-warning = 您可以勾选“我要重新注册”，用这个证件号码注册一个新账号。请先了解：
    • 新账号要通过身份核验后才能使用；
    • 核验通过后，使用这个证件号码的其他账号都会被注销；
    • 旧账号上的研招报名（推免、统考）、自主招生和兵役登记/应征报名信息会受影响；
    • 学籍、学历信息不会丢失。
    确定要重新注册吗？
dup-btn-confirm = 确定，重新注册
dup-btn-back-to-recover = 再试试找回旧账号
dup-how-register = 好的。我可以现在帮您注册新账号；如果您已经在注册页勾选“我要重新注册”注册好了，就直接选择核验方式。
dup-btn-register-here = 在这里帮我注册
dup-btn-registered-already = 已经注册好了
dup-ask-name = 请输入您的真实姓名（注册后不能修改）。
dup-ask-id-for-register = 请输入您的 18 位身份证号码（注册后不能修改）。
dup-ask-mobile = 请输入您的手机号码（不能是已被其他账号使用的号码）。
dup-ask-username = 请设置用户名：4–20 位字母、数字或下划线，以字母开头。
dup-ask-password = 请设置密码：8–32 位，至少包含字母、数字、符号中的两种。
dup-registered-new = 新账号已注册好，现在需要完成身份核验。
dup-choose-route = 请选择一种核验方式，推荐第一种，最快：
dup-btn-route-record = 学籍学历信息核对（推荐）
dup-btn-route-photo = 上传手持证件照，客服审核
dup-btn-route-classmate = 请同班同学协助
dup-btn-route-app = 学信网 APP 实人验证
dup-done = 好的，有问题随时找我。

dialog-find-username-title = 帮我找回用户名
find-ask-name = 找回用户名需要先核实身份。请输入注册时填写的真实姓名。
find-ask-id = 请输入注册时填写的身份证号码。
find-ask-code = 校验码已发送到您绑定的手机 { $masked_mobile }，1 天内有效。请输入 6 位校验码。
find-revealed = 验证成功！您的用户名是：{ $username }
    请牢记用户名，它可以登录学信网的各个平台。
find-btn-reset-password = 顺便重置密码
find-btn-done = 好的，谢谢
find-no-match = 没有找到与这个姓名和证件号码对应的账号。请核对输入是否和注册时一致。
find-btn-retry = 重新输入
find-btn-never-registered = 我可能没注册过
find-btn-human = 转人工客服
find-no-mobile = 找到了账号，但它没有绑定手机，无法通过短信核实身份。请联系人工客服处理。
find-stop = 现在无法继续，请稍后再试，或联系客服 010-82199588。
find-done = 好的，有问题随时找我。

dialog-reset-password-title = 帮我重置密码
reset-ask-name = 重置密码需要先核实身份。请输入注册时填写的真实姓名。
reset-ask-id = 请输入注册时填写的身份证号码。
reset-ask-code = 校验码已发送到您绑定的手机 { $masked_mobile }，1 天内有效。请输入 6 位校验码。
reset-ask-password = 请输入新密码：8–32 位，至少包含字母、数字、符号中的两种，不能包含用户名。
reset-no-match = 没有找到与这个姓名和证件号码对应的账号。请核对后重新输入。
reset-btn-retry = 重新输入
reset-btn-human = 转人工客服
reset-no-mobile = 这个账号没有绑定手机，无法通过短信重置密码。请联系人工客服；征兵网用户也可以请当地兵役机关协助。
reset-btn-stop = 先不用了
reset-stop = 现在无法继续，请稍后再试，或联系客服 010-82199588。
reset-done = 密码已重置！以前登录的地方都需要用新密码重新登录。

verify-ask-username = 请先登录您重新注册的新账号。请输入用户名。
verify-ask-password = 请输入密码（只用于这次登录，不会保存）。
verify-stop = 现在无法继续，请稍后再试，或联系客服 010-82199588。
verify-done = 核验通过，您的账号已经可以正常使用了！
    使用同一证件号码的其他账号已注销：{ $deactivated }
verify-other-route = 这种方式现在走不通，可以换一种核验方式：
verify-btn-human = 转人工客服

dialog-verify-record-title = 学籍学历信息核对
record-intro = 学籍学历核对：填写您的学籍或学历信息，与学籍学历库核对一致即通过。每个证件号码最多核对 3 次，请仔细填写。
    注意：核对通过后，使用您证件号码的其他账号会被注销。
    您现在是在校生还是毕业生？
record-btn-current = 在校生
record-btn-graduate = 毕业生
record-ask-school = 请输入学校全称（例如 北京大学）。
record-ask-student-number = 请输入您的学号。
record-ask-enrolment-year = 请输入入学年份（4 位数字，例如 2023）。
record-ask-graduation-year = 请输入毕业年份（4 位数字，例如 2019）。
record-ask-certificate-number = 请输入学历（毕业）证书编号。
record-ask-level = 请输入学历层次（例如 本科、专科、硕士研究生）。

dialog-verify-photo-title = 上传手持证件照
photo-rules = 请准备两张手持身份证的照片：正面一张、背面一张。
    • 人脸和证件都要完整清晰，不能修图；
    • 格式 jpg、jpeg、png 或 gif，每张不超过 300 KB；
    • 每天最多上传 3 次，总共最多 5 次；
    • 客服会在 3 个工作日内审核。
photo-ask-front = 请上传手持身份证正面（人像面）的照片。
photo-ask-back = 请上传手持身份证背面（国徽面）的照片。
photo-submitted = 照片已提交，状态“待审核”。客服会在 3 个工作日内处理，您可以随时问我“审核进度”。

dialog-verify-classmate-title = 同班同学协助核验
assist-who = 您是要请同学帮忙，还是收到了同学的协助请求？
assist-btn-requester = 我要请同学协助
assist-btn-classmate = 我是来帮同学确认的
assist-rules = 请同学协助的规则：
    • 同学必须已经完成手机实名绑定；
    • 每天最多发送 5 次请求；
    • 同学登录自己的账号后确认，确认后您的账号即核验通过，使用您证件号码的其他账号会被注销。
assist-ask-classmate-name = 请输入同学的真实姓名。
assist-ask-classmate-mobile = 请输入同学绑定的手机号。
assist-ask-own-mobile = 请输入您本人的手机号（注册新账号时填写的）。
assist-sent = 协助请求已发送！请通知 { $classmate_name } 登录学信网账号，在右上角收件箱中确认；也可以让他/她来问我“帮同学确认”。

dialog-classmate-inbox-title = 帮同学确认身份
inbox-ask-username = 请先登录您自己的账号，确认同学的请求。请输入用户名。
inbox-request = { $requester_name }（手机 { $requester_mobile }）请您协助确认身份。请确认这位确实是您的同班同学：
inbox-btn-confirm = 确认是我的同学
inbox-btn-decline = 不认识 / 拒绝
inbox-confirmed = 已确认，谢谢您的帮助！
inbox-declined = 已拒绝这条请求。
inbox-empty = 目前没有等待您确认的请求。

find-wait = 等一会儿再点“重新发送”；如果刚才的校验码短信已经收到，也可以直接输入。
find-btn-resend = 重新发送
find-btn-have-code = 我已收到校验码
reset-wait = 等一会儿再点“重新发送”；如果刚才的校验码短信已经收到，也可以直接输入。
reset-btn-resend = 重新发送
reset-btn-have-code = 我已收到校验码
dup-ask-mobile-code = 校验码已发送到 { $masked_mobile }，请输入 6 位校验码，验证这个手机号是您本人的。
dup-mobile-code-wait = 请稍等片刻再重新获取；如果之前的校验码已经收到，也可以直接输入。
dup-btn-resend = 重新发送
dup-btn-have-code = 我已收到校验码
dup-btn-other-mobile = 换一个手机号
photo-already-waiting = 您的照片已经提交，正在等待客服审核（3 个工作日内处理），现在不需要再上传。审核结果会在这里通知您，也可以随时选择“查看审核进度”。
